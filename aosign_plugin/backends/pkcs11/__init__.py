"""The PKCS#11 backend: the vendor module through python-pkcs11 (:mod:`.backend`), the module's binary format and
loading (:mod:`.module_format`, :mod:`.module_loader`). python-pkcs11 is imported only when this backend is used."""

from __future__ import annotations

__all__: list[str] = []
