"""The fans' pages (in the "games" URL namespace: config's urls)."""

from django.urls import path

from centre import views

urlpatterns = [
    path("matches/", views.match_list, name="match-list"),
    path("matches/<int:match_id>/", views.match_detail, name="match-detail"),
    path("matches/<int:match_id>/centre/<int:seq>", views.match_centre, name="match-centre"),
    path("matches/<int:match_id>/version", views.match_version, name="match-version"),
    path("matches/<int:match_id>/card.svg", views.match_card_image, name="match-card-image"),
    path("matches/<int:match_id>/scorecard/", views.match_scorecard, name="match-scorecard"),
    path("matches/<int:match_id>/overlay/", views.match_overlay, name="match-overlay"),
    path("matches/<int:match_id>/overlay/fragment/<int:seq>", views.match_overlay_fragment,
         name="match-overlay-fragment"),
]
