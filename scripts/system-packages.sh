#!/bin/sh
# The two system packages `make test` needs beyond Python: Chromium (browser tests) and libmagic
# (evidence files are typed by content). Installs Debian's packages when missing and we are root
# with apt; otherwise stops with one line saying what to install.
set -eu
PYTHON="${PYTHON:-python3}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

# What to check: both by default (`make test`); `libmagic` only for `make run`.
wanted="${*:-chromium libmagic}"
missing=""
case " $wanted " in *" chromium "*) [ -x "$CHROMIUM" ] || missing="$missing chromium" ;; esac
case " $wanted " in *" libmagic "*)
  if ! "$PYTHON" -c "import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library('magic') else 1)" 2>/dev/null; then
    missing="$missing libmagic1"
  fi ;;
esac
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
  echo "Chromium is installed, but CHROMIUM_PATH=$CHROMIUM is not it: unset CHROMIUM_PATH or correct it." >&2
  exit 1
fi
echo "The portal needs system packages:$missing. Install them (Debian/Ubuntu: sudo apt-get install -y$missing; elsewhere Chromium and libmagic, with CHROMIUM_PATH set to the browser) and run make again." >&2
exit 1
