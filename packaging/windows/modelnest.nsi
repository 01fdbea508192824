; ModelNest installer for Windows (NSIS 3): per-user, no administrator rights, Start-menu shortcut, uninstaller.
;
;   makensis -WX -DPAYLOAD=dist\ModelNest -DVERSION=0.1.0 -DOUTFILE=ModelNest-0.1.0-setup.exe packaging\windows\modelnest.nsi
;
; Silent install:    ModelNest-0.1.0-setup.exe /S [/D=C:\path\without\quotes]   (/D must come last)
; Silent uninstall:  "%LOCALAPPDATA%\Programs\ModelNest\Uninstall.exe" /S [/PURGE]
;                    /PURGE also deletes models, chats and settings; without it they are kept.
; PAYLOAD is the PyInstaller onedir folder (ModelNest.exe, modelnest-cli.exe, _internal\).

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
SetCompressorDictSize 64

!ifndef PAYLOAD
  !error "Pass the frozen app folder: -DPAYLOAD=dist\ModelNest"
!endif
!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "ModelNest-${VERSION}-setup.exe"
!endif

!define APP "ModelNest"
!define EXE "ModelNest.exe"
!define PUBLISHER "ModelNest"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

Name "${APP}"
OutFile "${OUTFILE}"
; Per-user: under the user's own Programs folder, so neither install nor update asks for an administrator.
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1033 "ProductName" "${APP}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP} installer"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "MIT License"

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "$(RunApp)"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

LangString RunApp ${LANG_ENGLISH} "Start ModelNest"
LangString RunApp ${LANG_SIMPCHINESE} "启动 ModelNest"
LangString PurgeName ${LANG_ENGLISH} "Also delete my models, chats and settings"
LangString PurgeName ${LANG_SIMPCHINESE} "同时删除我的模型、对话和设置"
LangString PurgeDesc ${LANG_ENGLISH} "Leave this off to keep downloaded models and chat history for a later installation."
LangString PurgeDesc ${LANG_SIMPCHINESE} "不勾选则保留已下载的模型和对话记录，以便以后重新安装时使用。"

Function .onInit
  ${IfNot} ${Silent}
    !insertmacro MUI_LANGDLL_DISPLAY
  ${EndIf}
FunctionEnd

Section "ModelNest" SecApp
  SectionIn RO
  SetShellVarContext current
  ; An update replaces the bundle completely: stale libraries from an older version must not stay behind.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD}\*.*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "un.ModelNest" UnSecApp
  SectionIn RO
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APP}.lnk"
  ; Only what the installer put there: a user who installed into a folder of their own keeps its other files.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\modelnest-cli.exe"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP}"
SectionEnd

; Off unless ticked (or /PURGE on a silent uninstall): models are large and slow to download again.
Section /o "un.$(PurgeName)" UnSecPurge
  SetShellVarContext current
  ; platformdirs' folders for ModelNest on Windows (see core/paths.py and docs/install.md).
  RMDir /r "$LOCALAPPDATA\${APP}"
  RMDir /r "$DOCUMENTS\${APP}"
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecPurge} "$(PurgeDesc)"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END

Function un.onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${UnSecPurge} ${SF_SELECTED}
  ${EndIf}
FunctionEnd
