; Inno Setup 6 script: WaDesk for one Windows user, no administrator rights needed.
; Built by `python installers\build.py --installer`, which passes the version and paths below;
; by hand: iscc /DAppVersion=0.1.0 /DFileVersion=0.1.0.0 /DSourceDir=...\dist\WaDesk wadesk.iss

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (installers\build.py does)
#endif
#ifndef FileVersion
  #define FileVersion AppVersion
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\WaDesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "WaDesk"
#define AppExe "WaDesk.exe"
#define Publisher "WaDesk"
; The same AppId in every release, so a new version installs over the old one.
#define AppId "{{6F1C2B7E-4E0B-4B9A-9C55-2D3A8E5B7A10}"

[Setup]
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#FileVersion}
VersionInfoProductName={#AppName}
VersionInfoProductVersion={#FileVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoDescription={#AppName} installer
VersionInfoCompany={#Publisher}
; Per-user install: %LOCALAPPDATA%\Programs\WaDesk, Start menu and desktop of this user only.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
SetupIconFile=..\..\resources\wadesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-windows-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Ask a running WaDesk to close before its files are replaced.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ The shop lives outside the program folder, so uninstalling keeps it unless the user says otherwise:
  data (database, logs, backups) in platformdirs' user data folder, window layout in QSettings. }
function ShopDataDir(): String;
begin
  Result := ExpandConstant('{localappdata}\WaDesk');
end;

function LayoutDir(): String;
begin
  Result := ExpandConstant('{userappdata}\WaDesk');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and (not UninstallSilent()) and DirExists(ShopDataDir()) then
  begin
    if MsgBox('WaDesk has been removed. Your shop data is still here:' + #13#10 + ShopDataDir() + #13#10#13#10 +
              'It holds your customers, orders, campaigns and backups. Delete it too?' + #13#10#13#10 +
              'Choose No to keep it: installing WaDesk again opens your shop as it was.' + #13#10 +
              '(A connected WhatsApp access token stays in Windows Credential Manager until you ' +
              'use Disconnect in WaDesk''s Settings.)',
              mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
    begin
      DelTree(ShopDataDir(), True, True, True);
      DelTree(LayoutDir(), True, True, True);
    end;
  end;
end;
