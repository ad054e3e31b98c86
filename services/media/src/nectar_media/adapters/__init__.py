"""Adapters of the media ports, one module per technology.

None yet, on purpose: the ComfyUI worker pool (`ImageRenderer`) and the S3 object store
(`ObjectStore`) come with the media feature, each tested against a real server (a ComfyUI
emulator speaking its HTTP and WebSocket protocol, SeaweedFS through the S3 API) and held to
the same contract tests as the fakes (`tests/unit/media/test_media_ports.py`). A stand-in
dressed as an adapter would only hide that they are missing; `MEDIA_ENABLED=false` says it
instead.
"""
