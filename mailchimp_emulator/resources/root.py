"""API root and health check: GET / and GET /ping."""


def get_root(req):
    return req.state.account()


def get_ping(req):
    return {"health_status": "Everything's Chimpy!"}


ROUTES = [
    ("/", {"GET": get_root}),
    ("/ping", {"GET": get_ping}),
]
