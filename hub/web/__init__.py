"""The hub on the network: the Flask app factory, the command catalogue and REST
blueprints, Socket.IO `/live`, the background monitors (alerts, revocation,
outbox), OpenAPI and the server."""
