"""The Tencent Cloud API 3.0 protocol layer: errors, TC3-HMAC-SHA256 signatures, envelopes.

Pure: it imports only the standard library (nothing of the project), so the request handling
around it can move without touching it.
"""
