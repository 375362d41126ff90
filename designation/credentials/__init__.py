"""Open Badges 3.0 credentials of the designation: signing keys and the issuer's DID (keys),
issuing (issue), revocation status lists (status), baked badge images (baking, art) and
verification (verify)."""
