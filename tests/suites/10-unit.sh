#!/bin/bash
# cmocka unit tests of lib/ and the applets' logic (built by make check).
cd "$(dirname "$0")/../.." || exit 111
exec sh tests/run-unit.sh build/unit/test_*
