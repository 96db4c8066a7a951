; Companion for Windows: a per-user installer (no administrator rights), built by makensis from
; PyInstaller's one-folder build. Start-menu entry, an entry in "Installed apps", and an
; uninstaller that keeps the user's data (settings, history, saved words) unless the box
; "Also delete my Companion data" is ticked.
;   makensis /DDIST=build\dist\companion /DVERSION=0.1.0 /DOUTFILE=build\Companion-Setup.exe
;            [/DICON=build\icons\companion.ico] packaging\windows\companion.nsi
Unicode true
!include "MUI2.nsh"

!ifndef DIST
  !error "pass /DDIST=<PyInstaller folder>"
!endif
!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "Companion-Setup.exe"
!endif
!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Companion"
Name "Companion"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Companion"
InstallDirRegKey HKCU "Software\Companion" "InstallDir"
SetCompressor /SOLID lzma

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\companion.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "Companion" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File /r "${DIST}\*"
  WriteUninstaller "$INSTDIR\Uninstall Companion.exe"
  CreateShortCut "$SMPROGRAMS\Companion.lnk" "$INSTDIR\companion.exe"
  WriteRegStr HKCU "Software\Companion" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Companion"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The Companion developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\companion.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall Companion.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall Companion.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "un.Companion (the program)" UnSecApp
  SectionIn RO
  Delete "$SMPROGRAMS\Companion.lnk"
  RMDir /r "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\Companion"
SectionEnd

; Unticked by default: uninstalling keeps settings, history and saved words for a reinstall.
; Language packs are shared with Argos Translate and stay either way.
Section /o "un.Also delete my Companion data" UnSecData
  RMDir /r "$LOCALAPPDATA\companion"
  RMDir /r "$APPDATA\companion"
SectionEnd
