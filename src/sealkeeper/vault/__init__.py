"""The vault: field encryption, blind indexes and key providers (see "Data protection" in DESIGN.md).

- ``suites``: the two cipher suites, ``intl`` (AES-256-GCM, HMAC-SHA-256) and ``gm`` (SM4-GCM, HMAC-SM3).
- ``envelope``: per-person data keys; fields sealed with their record id, field and version as associated data.
- ``providers``: the key-provider interface; data keys are wrapped by a key-encryption key (KEK).
- ``keyfile``: the default provider, a local 0600 key file outside the database.
- ``pkcs11``: a PKCS#11 token (HSM) provider whose KEK never leaves the token.
"""
