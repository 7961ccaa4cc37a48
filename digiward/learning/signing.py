"""Ed25519 signatures on credentials: W3C Data Integrity, cryptosuite eddsa-jcs-2022.

Why JCS rather than the RDF canonicalisation (eddsa-rdfc-2022) that Open Badges 3.0 lists
first: RDF canonicalisation needs a JSON-LD processor and the contexts at hand, which an
offline commune server (and an offline verifier) may not have; JCS (RFC 8785) needs
nothing but the JSON. Both suites use the same keys and proof shape (decision 74).

The issuer is a `did:key`, so the public key travels inside the credential itself and a
verifier needs no network; the keys are also published at /chung-nhan/khoa-cong-khai.json.
"""

from __future__ import annotations

import base64
import hashlib
from copy import deepcopy
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

CRYPTOSUITE = "eddsa-jcs-2022"
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub


def new_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )


def private_to_text(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def private_from_text(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def public_multibase(private: Ed25519PrivateKey) -> str:
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB_PREFIX + raw).decode("ascii")


def public_key_from_multibase(multibase: str) -> Ed25519PublicKey:
    if not multibase.startswith("z"):
        raise ValueError("not a base58btc multibase key")
    decoded = base58.b58decode(multibase[1:])
    if not decoded.startswith(ED25519_PUB_PREFIX) or len(decoded) != 34:
        raise ValueError("not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def did_key(multibase: str) -> str:
    return f"did:key:{multibase}"


def verification_method(multibase: str) -> str:
    return f"did:key:{multibase}#{multibase}"


def _hash_data(proof_config: dict[str, Any], document: dict[str, Any]) -> bytes:
    return (
        hashlib.sha256(rfc8785.dumps(proof_config)).digest()
        + hashlib.sha256(rfc8785.dumps(document)).digest()
    )


def sign(document: dict[str, Any], private: Ed25519PrivateKey, *, created: str) -> dict[str, Any]:
    """A copy of `document` with a DataIntegrityProof (proofPurpose assertionMethod)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method(public_multibase(private)),
        "proofPurpose": "assertionMethod",
    }
    if "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    signature = private.sign(_hash_data(proof, unsecured))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**deepcopy(unsecured), "proof": proof}


def verify(secured: dict[str, Any]) -> bool:
    """True when the proof is an eddsa-jcs-2022 signature by the key it names."""
    try:
        proof = dict(secured["proof"])
        if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
            return False
        proof_value = proof.pop("proofValue")
        method = str(proof["verificationMethod"])
        if not method.startswith("did:key:z") or "#" not in method:
            return False
        multibase = method.removeprefix("did:key:").split("#", 1)[0]
        if method.split("#", 1)[1] != multibase:
            return False
        unsecured = {k: v for k, v in secured.items() if k != "proof"}
        if "@context" in proof and unsecured.get("@context") != proof["@context"]:
            return False
        if not isinstance(proof_value, str) or not proof_value.startswith("z"):
            return False
        signature = base58.b58decode(proof_value[1:])
        public_key_from_multibase(multibase).verify(signature, _hash_data(proof, unsecured))
    except (InvalidSignature, KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


def signer_of(secured: dict[str, Any]) -> str:
    """The multibase public key named by the proof ('' when there is none)."""
    try:
        method = str(secured["proof"]["verificationMethod"])
    except (KeyError, TypeError):
        return ""
    return method.removeprefix("did:key:").split("#", 1)[0]
