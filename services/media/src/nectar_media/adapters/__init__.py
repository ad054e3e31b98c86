"""Adapters of the media ports, one module per technology: `comfyui` (one ComfyUI worker's
HTTP and WebSocket protocol), `pool` (`ComfyUIPool`, the `ImageRenderer` on N workers),
`redis_state` (the registries' projection, the quota, the cancel board). Object storage is
the runtime's `S3ObjectStore`."""
