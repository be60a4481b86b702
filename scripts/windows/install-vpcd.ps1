# Installs vsmartcard's virtual smart card reader driver (vpcd for Windows, the BixVReader UMDF driver) on a Windows
# CI runner, with two readers on TCP 35963 and 35964 as Debian's vpcd has, and checks that WinSCard lists them.
# Run as administrator (GitHub's hosted runners are). Steps, as vsmartcard's own install.txt documents them:
#   1. its test-signing certificate into the local machine's Trusted Root and Trusted Publishers stores;
#   2. its MSI (BixVReaderInstaller.msi), quietly;
#   3. C:\Windows\BixVReader.ini with two "Virtual PCD" readers (the MSI's has one), then the device restarted so the
#      driver reads it.
# The release archive is fetched with the GitHub CLI (GH_TOKEN from the workflow), so its asset name is matched, not
# guessed. Nothing here runs on the team's machines (Linux only): this is written to run as is on windows-latest.
param(
    [string]$Release = "virtualsmartcard-0.10",
    [string]$Work = (Join-Path $env:RUNNER_TEMP "vpcd")
)
$ErrorActionPreference = "Stop"

New-Item -ItemType Directory -Force -Path $Work | Out-Null
gh release download $Release --repo frankmorgner/vsmartcard --pattern "*win64*" --dir $Work --clobber
if ($LASTEXITCODE -ne 0) { throw "could not download vsmartcard $Release (win64)" }
Get-ChildItem -Path $Work -Filter *.zip | ForEach-Object { Expand-Archive -Force -Path $_.FullName -DestinationPath $Work }

$cer = Get-ChildItem -Path $Work -Recurse -Filter *.cer | Select-Object -First 1
$msi = Get-ChildItem -Path $Work -Recurse -Filter *.msi | Select-Object -First 1
if (-not $cer -or -not $msi) { throw "the release has no BixVReader certificate or installer: $(Get-ChildItem -Recurse $Work)" }

Write-Host "Trusting the driver's test certificate $($cer.FullName)"
certutil -f -addstore Root $cer.FullName
if ($LASTEXITCODE -ne 0) { throw "certutil Root failed" }
certutil -f -addstore TrustedPublisher $cer.FullName
if ($LASTEXITCODE -ne 0) { throw "certutil TrustedPublisher failed" }

$log = Join-Path $Work "msi.log"
Write-Host "Installing $($msi.FullName)"
$p = Start-Process msiexec.exe -Wait -PassThru -ArgumentList @("/i", "`"$($msi.FullName)`"", "/qn", "/norestart", "/l*v", "`"$log`"")
if ($p.ExitCode -ne 0 -and $p.ExitCode -ne 3010) { Get-Content $log -Tail 60; throw "msiexec exited with $($p.ExitCode)" }

# two readers, as Debian's vpcd: the tests serve their card on 35964 and keep 35963 for a second one
$ini = @"
[Driver]
NumReaders=2

[Reader0]
RPC_TYPE=2
VENDOR_NAME=Virtual Smart Card Architecture
VENDOR_IFD_TYPE=Virtual PCD
TCP_PORT=35963
DECIVE_UNIT=0

[Reader1]
RPC_TYPE=2
VENDOR_NAME=Virtual Smart Card Architecture
VENDOR_IFD_TYPE=Virtual PCD
TCP_PORT=35964
DECIVE_UNIT=1
"@
Set-Content -Path (Join-Path $env:SystemRoot "BixVReader.ini") -Value $ini -Encoding Ascii

$devices = Get-PnpDevice -Class SmartCardReader -ErrorAction SilentlyContinue
$devices | Format-Table -AutoSize | Out-String | Write-Host
foreach ($d in $devices) {
    pnputil /restart-device "$($d.InstanceId)" | Write-Host
}
Start-Service SCardSvr -ErrorAction SilentlyContinue

# WinSCard must list both readers before the tests start
$deadline = (Get-Date).AddSeconds(60)
do {
    $listed = python -c "from smartcard import scard; h, c = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER); r, names = scard.SCardListReaders(c, []) if h == 0 else (h, []); print('|'.join(n for n in names if 'Virtual PCD' in n))"
    if (($listed -split '\|').Count -ge 2 -and $listed) { break }
    Start-Sleep -Seconds 2
} while ((Get-Date) -lt $deadline)
Write-Host "vpcd readers: $listed"
if (-not $listed -or ($listed -split '\|').Count -lt 2) { throw "WinSCard does not list two Virtual PCD readers" }
