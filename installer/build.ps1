# Build the desktop app on Windows (PowerShell 5+ or 7): a one-folder program in dist\sfa-desktop\
# (sfa-desktop.exe without a console window, sfa-desktop-cli.exe for sync/pdf/smoke-test) and a zip.
# NOT built or run on Windows by this project's CI: see docs/installer.md.
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1 [-Smoke]
param([switch]$Smoke)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
$venv = if ($env:SFA_BUILD_VENV) { $env:SFA_BUILD_VENV } else { "build\venv" }
$python = if ($env:PYTHON) { $env:PYTHON } else { "py" }
$started = Get-Date

if (-not (Test-Path "$venv\Scripts\python.exe")) {
    if ($python -eq "py") { & py -3 -m venv $venv } else { & $python -m venv $venv }
    if ($LASTEXITCODE) { throw "cannot create $venv" }
}
$py = "$venv\Scripts\python.exe"
& $py -m pip install --disable-pip-version-check -q --upgrade pip
& $py -m pip install --disable-pip-version-check -q "pyinstaller>=6.10" "pillow>=10" ".[desktop,server]"
if ($LASTEXITCODE) { throw "pip install failed" }
& $py installer\make_icons.py          # sfa-desktop.ico from the PNG
if ($LASTEXITCODE) { throw "icons failed" }

if (Test-Path dist\sfa-desktop) { Remove-Item -Recurse -Force dist\sfa-desktop }
& "$venv\Scripts\pyinstaller.exe" --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller `
    installer\sfa-desktop.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }

$version = & $py -c "from importlib.metadata import version; print(version('sfa-desktop'))"
$zip = "dist\sfa-desktop-$version-windows-x86_64.zip"
if (Test-Path $zip) { Remove-Item $zip }
Compress-Archive -Path dist\sfa-desktop -DestinationPath $zip
$files = (Get-ChildItem -Recurse -File dist\sfa-desktop)
$mb = [math]::Round(($files | Measure-Object Length -Sum).Sum / 1MB)
Write-Host "== dist\sfa-desktop: $mb MB, $($files.Count) files; $zip; $([int]((Get-Date) - $started).TotalSeconds) s"

if ($Smoke) {
    $env:QT_QPA_PLATFORM = "offscreen"
    & dist\sfa-desktop\sfa-desktop-cli.exe smoke-test --screenshot dist\smoke-test.png
    if ($LASTEXITCODE) { throw "smoke test failed" }
}
