"""Build WaDesk for this computer's OS: the one-folder bundle, and with --installer the installer.

    python installers/build.py                 dist/WaDesk/ (+ dist/WaDesk.app on macOS)
    python installers/build.py --installer     … and dist/WaDesk-<version>-windows-setup.exe (Inno
                                               Setup 6) or dist/WaDesk-<version>-macos-<arch>.dmg
    python installers/build.py --installer --skip-bundle    installer from an existing dist/

Needs the build extra: `pip install -e .[build]` (PyInstaller). Signing happens only when its
environment variables are set (docs/INSTALLERS.md); otherwise the build is unsigned.
Prints one JSON line at the end: version, seconds, bundle size.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import release_info as info  # noqa: E402

HERE = Path(__file__).resolve().parent


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build_bundle(dist: Path, work: Path) -> None:
    subprocess.check_call([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                           "--distpath", str(dist), "--workpath", str(work),
                           str(HERE / "wadesk.spec")], cwd=info.ROOT)


def find_iscc() -> str:
    found = shutil.which("iscc") or shutil.which("ISCC")
    candidates = [Path(os.environ.get(v, "")) / "Inno Setup 6" / "ISCC.exe"
                  for v in ("ProgramFiles(x86)", "ProgramFiles")]
    candidates.append(Path(os.environ.get("LOCALAPPDATA", "")) / "Programs" / "Inno Setup 6" / "ISCC.exe")
    for path in ([Path(found)] if found else []) + candidates:
        if path.is_file():
            return str(path)
    raise SystemExit("Inno Setup 6 (ISCC.exe) was not found; install it from jrsoftware.org "
                     "or with `choco install innosetup`.")


def sign_windows(files: list[Path]) -> None:
    """Authenticode-sign when WINDOWS_SIGN_PFX (a .pfx file) is set; unsigned builds skip this."""
    pfx = os.environ.get("WINDOWS_SIGN_PFX")
    if not pfx:
        print("WINDOWS_SIGN_PFX not set: leaving the Windows files unsigned", flush=True)
        return
    stamp = os.environ.get("WINDOWS_SIGN_TIMESTAMP_URL", "http://timestamp.digicert.com")
    subprocess.check_call(["signtool", "sign", "/f", pfx, "/p", os.environ.get("WINDOWS_SIGN_PASSWORD", ""),
                           "/fd", "sha256", "/tr", stamp, "/td", "sha256", *map(str, files)])


def windows_installer(dist: Path) -> Path:
    bundle = dist / info.APP_NAME
    sign_windows([bundle / f"{info.APP_NAME}.exe", bundle / f"{info.CLI_NAME}.exe"])
    version = info.version()
    subprocess.check_call([find_iscc(), f"/DAppVersion={version}",
                           f"/DFileVersion={'.'.join(map(str, info.version_tuple()))}",
                           f"/DSourceDir={bundle}", f"/DOutputDir={dist}",
                           str(HERE / "windows" / "wadesk.iss")])
    setup = dist / f"{info.APP_NAME}-{version}-windows-setup.exe"
    sign_windows([setup])
    return setup


def macos_dmg(dist: Path) -> Path:
    dmg = dist / f"{info.APP_NAME}-{info.version()}-macos-{platform.machine()}.dmg"  # arm64 / x86_64
    subprocess.check_call(["bash", str(HERE / "macos" / "make_dmg.sh"), str(dist / f"{info.APP_NAME}.app"),
                           str(dmg), info.version()])
    return dmg


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installer", action="store_true", help="also build this OS's installer")
    parser.add_argument("--skip-bundle", action="store_true", help="reuse the bundle already in --dist")
    parser.add_argument("--dist", default=str(info.ROOT / "dist"))
    parser.add_argument("--work", default=str(info.ROOT / "build"))
    args = parser.parse_args(argv)
    dist, work = Path(args.dist).resolve(), Path(args.work).resolve()
    started = time.monotonic()
    if not args.skip_bundle:
        build_bundle(dist, work)
    bundle_seconds = time.monotonic() - started
    bundle = dist / info.APP_NAME
    report = {"version": info.version(), "platform": sys.platform, "bundle": str(bundle),
              "bundle_mb": round(folder_size(bundle) / 1e6, 1),
              "bundle_seconds": round(bundle_seconds)}
    if args.installer:
        if sys.platform == "win32":
            artefact = windows_installer(dist)
        elif sys.platform == "darwin":
            artefact = macos_dmg(dist)
        else:
            raise SystemExit("installers are built on Windows (Inno Setup) and macOS (DMG) only")
        report.update(installer=str(artefact), installer_mb=round(artefact.stat().st_size / 1e6, 1))
    report["seconds"] = round(time.monotonic() - started)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
