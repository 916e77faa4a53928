"""Every ball of a Cricsheet match in a comparable form (no Django): for round trips."""

DELIVERY_KEYS = ("batter", "non_striker", "bowler", "runs", "extras", "wickets")


def deliveries(data: dict) -> list[list[dict]]:
    return [
        [{key: d.get(key) for key in DELIVERY_KEYS} for over in inn["overs"]
         for d in over["deliveries"]]
        for inn in data["innings"]
    ]


def normalise(data: dict) -> list[list[dict]]:
    innings = deliveries(data)
    for inn in innings:
        for d in inn:
            d["runs"] = {k: v for k, v in d["runs"].items() if k != "non_boundary"}
            if d["extras"]:
                d["extras"] = {k: v for k, v in d["extras"].items() if v}
            for w in d["wickets"] or []:
                w["fielders"] = [{"name": f["name"]} for f in w.get("fielders", []) if "name" in f]
                if not w["fielders"]:
                    del w["fielders"]
    return innings
