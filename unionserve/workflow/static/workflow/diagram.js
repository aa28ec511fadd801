// Moved out of the page so that the Content-Security-Policy can forbid inline scripts (docs/security.md).
mermaid.initialize({startOnLoad: true, securityLevel: "strict", fontFamily: "Noto Sans CJK SC, sans-serif"});
