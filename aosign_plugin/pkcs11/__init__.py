"""The PKCS#11 stack: the vendor module through python-pkcs11 (:mod:`.pkcs11_backend`), the token chosen by an
RFC 7512 URI (:mod:`.token_uri`) and the rules a module's path must pass before it is loaded (:mod:`.module_rules`).
python-pkcs11 is imported only when this backend is used."""

from __future__ import annotations

__all__: list[str] = []
