"""The aiogram side of the edge: routers per feature, middlewares, the dispatcher.

aiogram handlers here are thin: they turn a `Message` into an `IncomingMessage`, call one
function of `nectar_edge.handlers` and publish what it returns.
"""
