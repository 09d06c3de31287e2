"""The Tencent Cloud API 3.0 that the official SDKs call: `POST /` on the console's own address.

The protocol layer is pure (it imports only the standard library and itself): `errors` (the
common codes, `ApiError`), `signature` (TC3-HMAC-SHA256), `envelope` (requests and answers).
Around it, the Django side: `views` (the endpoint and the order of checks), `actions` (the
registry of actions, versions, CAM actions and parameters), `live` and `billing` (the actions),
`caller` (who is calling). It sits on top of every area: it may import refunds and tickets.
"""
