#!/bin/sh
# Install SFA Desktop for this user (no root): the program in ~/.local/opt/sfa-desktop, a launcher
# in ~/.local/bin, the menu entry and the icon in ~/.local/share. Run it from the unpacked tarball.
#   ./install.sh            install or upgrade (the agent's data, in ~/.local/share/sfa-desktop, is kept)
#   ./install.sh --remove   uninstall the program (the data stays)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
opt=$prefix/opt/sfa-desktop
apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
icons=${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps

if [ "${1:-}" = --remove ]; then
    rm -rf "$opt" "$prefix/bin/sfa-desktop" "$apps/sfa-desktop.desktop" "$icons/sfa-desktop.png"
    echo "SFA Desktop removed (the local database in ~/.local/share/sfa-desktop is kept)."
    exit 0
fi
mkdir -p "$prefix/opt" "$prefix/bin" "$apps" "$icons"
rm -rf "$opt.new" && cp -a "$here/sfa-desktop" "$opt.new"
rm -rf "$opt" && mv "$opt.new" "$opt"
ln -sf "$opt/sfa-desktop" "$prefix/bin/sfa-desktop"
cp "$here/sfa-desktop.png" "$icons/sfa-desktop.png"
sed "s|^Exec=.*|Exec=$opt/sfa-desktop|" "$here/sfa-desktop.desktop" > "$apps/sfa-desktop.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" || true
echo "SFA Desktop installed in $opt; it is in the applications menu, or run: $prefix/bin/sfa-desktop"
