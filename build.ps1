#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Restores, builds, tests and packs PhoneHub.
.EXAMPLE
    ./build.ps1                 # restore, build, test (Release)
    ./build.ps1 -Pack           # ... and create the NuGet packages in ./artifacts
    ./build.ps1 -SkipTests -Pack
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [switch] $SkipTests,
    [switch] $Pack,
    [string] $Output = (Join-Path $PSScriptRoot 'artifacts')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$solution = Join-Path $PSScriptRoot 'PhoneHub.Core.sln'

function Invoke-Step([string] $Name, [scriptblock] $Command) {
    Write-Host "==> $Name" -ForegroundColor Cyan
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$Name failed with exit code $LASTEXITCODE." }
}

Invoke-Step 'restore' { dotnet restore $solution }
Invoke-Step 'build' { dotnet build $solution --configuration $Configuration --no-restore }
if (-not $SkipTests) {
    Invoke-Step 'test' { dotnet test $solution --configuration $Configuration --no-build }
}
if ($Pack) {
    # Only the libraries under src/ are packages; samples, tests and benchmarks are not.
    foreach ($project in Get-ChildItem (Join-Path $PSScriptRoot 'src') -Filter *.csproj -Recurse) {
        Invoke-Step "pack $($project.BaseName)" { dotnet pack $project.FullName --configuration $Configuration --no-build --output $Output }
    }
    Get-ChildItem $Output -Filter *.nupkg | ForEach-Object { Write-Host "  $($_.Name)" }
}
