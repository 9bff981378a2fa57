// Runs at the start of <body>: lets NHS.UK frontend styles know scripts are on.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
