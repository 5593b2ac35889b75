#!/usr/bin/env bash
# What the tests need from the machine besides Python packages: SoftHSM2 (a real PKCS#11 token) and the
# Noto CJK fonts (the PDF documents embed one) from Debian's packages, and PostgreSQL answering at
# 127.0.0.1:5432 (trust auth, database `test`).
# Idempotent: installs or starts only what is missing. Called by `make test` and so by `.ci/run`.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -e /usr/lib/softhsm/libsofthsm2.so ] || missing+=(softhsm2)  # the PKCS#11 tests
[ -e /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)  # the PDF documents
command -v openssl >/dev/null || missing+=(openssl)  # OpenSSL 3: SM2 checkpoint signatures and their cross-checks
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (Debian packages)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "starting PostgreSQL for the integration tests"
    if command -v pg_ctlcluster >/dev/null; then
        for version in /etc/postgresql/*; do
            as_root pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
        done
    fi
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p 5432 && break
        sleep 1
    done
    pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable at 127.0.0.1:5432" >&2; exit 1; }
fi
psql -h 127.0.0.1 -U postgres -d test -qtAc "select 1" >/dev/null \
    || { echo "PostgreSQL at 127.0.0.1:5432 has no database 'test' for user postgres (trust auth)" >&2; exit 1; }
