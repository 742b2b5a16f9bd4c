# Makes sure what jepa needs is installed (PowerShell 7 counterpart of install-deps.sh): ffmpeg + ffprobe
# (installed with winget on Windows when missing; elsewhere the command to run is printed) and the .NET 10
# SDK (checked; how to install it is printed when missing). Quiet when everything is there.
# Exit 1 when something is still missing.
#   pwsh scripts/install-deps.ps1
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Say([string] $Message) { [Console]::Error.WriteLine("install-deps: $Message") }

function Test-Command([string] $Name) { return $null -ne (Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue) }

# The machine's own choice of tool for the missing packages: winget on Windows, the package manager's command elsewhere.
function Get-InstallHint([string] $What) {
    if ($IsWindows) {
        switch ($What) {
            'ffmpeg' { return 'winget install --id Gyan.FFmpeg -e' }
            'dotnet' { return 'winget install --id Microsoft.DotNet.SDK.10 -e' }
        }
    }
    elseif ($IsMacOS) {
        switch ($What) {
            'ffmpeg' { return 'brew install ffmpeg' }
            'dotnet' { return 'brew install --cask dotnet-sdk' }
        }
    }
    else {
        switch ($What) {
            'ffmpeg' { return 'bash scripts/install-deps.sh (apt-get install -y ffmpeg on Debian and Ubuntu)' }
            'dotnet' { return 'curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0' }
        }
    }
}

if (-not (Test-Command 'ffmpeg') -or -not (Test-Command 'ffprobe')) {
    if ($IsWindows -and (Test-Command 'winget')) {
        Say 'installing ffmpeg (winget install --id Gyan.FFmpeg -e)'
        winget install --id Gyan.FFmpeg -e --accept-source-agreements --accept-package-agreements | Out-Null
        # winget adds ffmpeg to the user's PATH for new shells; this one needs it now.
        $env:Path = [Environment]::GetEnvironmentVariable('Path', 'Machine') + ';' + [Environment]::GetEnvironmentVariable('Path', 'User')
        if (-not (Test-Command 'ffmpeg') -or -not (Test-Command 'ffprobe')) {
            Say 'ffmpeg was installed but ffmpeg/ffprobe are not on PATH yet; open a new PowerShell and run this again'
            exit 1
        }
    }
    else {
        Say "ffmpeg and ffprobe are missing; install them with: $(Get-InstallHint 'ffmpeg')"
        exit 1
    }
}

function Stop-NoSdk([string] $Why) {
    Say "$Why; install the .NET 10 SDK, for example:"
    Say "  $(Get-InstallHint 'dotnet')"
    Say '  or see https://learn.microsoft.com/dotnet/core/install/'
    exit 1
}

if (-not (Test-Command 'dotnet')) { Stop-NoSdk 'dotnet is not on PATH' }
# `dotnet --list-sdks` prints "10.0.401 [C:\Program Files\dotnet\sdk]" per SDK; any major >= 10 will do.
$majors = @(dotnet --list-sdks 2>$null | ForEach-Object { if ($_ -match '^(\d+)\.') { [int] $Matches[1] } })
$best = if ($majors.Count -gt 0) { ($majors | Measure-Object -Maximum).Maximum } else { $null }
if ($null -eq $best -or $best -lt 10) {
    Stop-NoSdk "found dotnet, but no SDK of version 10 or later (newest major: $(if ($null -eq $best) { 'none' } else { $best }))"
}
exit 0
