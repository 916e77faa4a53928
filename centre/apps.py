from django.apps import AppConfig


class CentreConfig(AppConfig):
    name = "centre"

    def ready(self):
        # Realtime pushes the centre's panels (rendered once per version) without importing
        # the UI: the centre hands it the renderer.
        from centre.panels import centre_panels_html
        from realtime import page_feed

        page_feed.use_renderer(centre_panels_html)
