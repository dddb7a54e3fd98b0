; Included by electron-builder's NSIS installer (electron-builder.yml: nsis.include).
;
; Uninstalling keeps this PC's data (the database, its backups, attached files, logs) in
; %APPDATA%\Factory-Shop ERP unless the person asks, in the uninstaller, to delete it. An update
; runs the old version's uninstaller too: then it never asks and never deletes. A silent
; uninstall keeps the data; `Uninstall.exe /S --delete-app-data` deletes it.

!macro customUnInstall
  ${ifNot} ${isUpdated}
  ${andIfNot} ${Silent}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
      "Also delete this PC's ${PRODUCT_NAME} data?$\r$\n$\r$\nThe database, its backups, attached files and logs are deleted for good. Choose No to keep them for a later installation." \
      /SD IDNO IDNO fse_keep_data
      ; Electron keeps app data per user, also when the app was installed for all users.
      ${if} $installMode == "all"
        SetShellVarContext current
      ${endif}
      RMDir /r "$APPDATA\${PRODUCT_FILENAME}"
      RMDir /r "$LOCALAPPDATA\${APP_PACKAGE_NAME}-updater"
      ${if} $installMode == "all"
        SetShellVarContext all
      ${endif}
    fse_keep_data:
  ${endIf}
!macroend
