"""How work reaches billing: bus events (the `HANDLERS` index, wired by the runtime),
provider webhooks (`http`), background jobs (`jobs`) and schema commands (`cli`)."""
