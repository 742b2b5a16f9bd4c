# The quickstart, end to end on CPU (PowerShell 7 counterpart of quickstart.sh; about 4 minutes of training
# on 2 cores): generate bouncing-object videos, train the tiny H-JEPA, evaluate its predictions against
# persistence. Run from anywhere: pwsh scripts/quickstart.ps1
# -Steps N trains N steps instead of the config's 1000 (a quick try); -Data and -RunDir move the videos and
# the run; -NoBuild uses the jepa already built.
param(
    [int] $Steps = 0,
    [string] $Data = 'data/bouncing',
    [string] $RunDir = 'runs/quickstart',
    [switch] $NoBuild
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Set-Location (Split-Path -Parent $PSScriptRoot)

& (Join-Path $PSScriptRoot 'install-deps.ps1')
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
if (-not $NoBuild) {
    dotnet build -c Release src/Jepa.Cli
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

# Each step stops the script when jepa fails, with jepa's own exit code.
function Invoke-Jepa {
    & (Join-Path $PSScriptRoot 'jepa.ps1') @args
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

Write-Output '== checking the tools'
Invoke-Jepa doctor

if (Test-Path -LiteralPath (Join-Path $Data 'manifest.csv')) {
    Write-Output "== videos: $Data/manifest.csv exists, skipping generation"
}
else {
    Write-Output "== generating videos into $Data"
    # No manifest: any videos there are from a synth that did not finish; --overwrite removes only those.
    Invoke-Jepa synth --kind bouncing --out $Data --overwrite
}

Write-Output "== training (configs/quickstart.yaml) into $RunDir"
$sets = @('--set', "data.train=$(Join-Path $Data 'train')", '--set', "data.val=$(Join-Path $Data 'val')")
if ($Steps -gt 0) { $sets += @('--set', "train.steps=$Steps", '--set', "train.warmup_steps=$([Math]::Max(1, [int]($Steps / 10)))") }
Invoke-Jepa train --config configs/quickstart.yaml --run-dir $RunDir --overwrite @sets

Write-Output '== evaluating prediction against persistence'
Invoke-Jepa eval --checkpoint (Join-Path $RunDir 'checkpoints/latest.ckpt') --task predict

Write-Output "== done: the run is in $RunDir (config.yaml, metrics.jsonl, checkpoints/, eval/)"
