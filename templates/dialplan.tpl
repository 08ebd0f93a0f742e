{{!
  PanelDialer's dialplan helper contexts, one set per campaign. Rendered with
  ctemplate (no escaping: every value is validated against a strict
  character set before it gets here) and written between the
  "; BEGIN paneldialer" / "; END paneldialer" markers of the extensions file.

  Contract with the engine (plugin/core originate builder):
    pd-<campaign>-dest      remote leg first: the customer answered; optional
                            AMD, then the destination.
    pd-<campaign>-local     local leg first: the destination (queue, agent)
                            is reached first ...
    pd-<campaign>-customer  ... then the customer is dialed from here
                            (also the preview Dial).
  UserEvents: PanelDialerAMD (Status, Cause), PanelDialerDial (Status).
}}{{#CAMPAIGN}}
; campaign {{NAME}} ({{MODE}}, {{DEST_KIND}})
[pd-{{NAME}}-dest]
exten => s,1,NoOp(PanelDialer {{NAME}} call ${PD_CALLID})
{{#AMD}} same => n,AMD()
 same => n,UserEvent(PanelDialerAMD,Status: ${AMDSTATUS},Cause: ${AMDCAUSE},CallID: ${PD_CALLID})
 same => n,GotoIf($["${AMDSTATUS}" = "MACHINE"]?{{AMD_CONTEXT}},{{AMD_EXTEN}},{{AMD_PRIORITY}})
{{/AMD}} same => n,Goto({{DEST_CONTEXT}},{{DEST_EXTEN}},{{DEST_PRIORITY}})

[pd-{{NAME}}-local]
exten => s,1,NoOp(PanelDialer {{NAME}} local leg ${PD_CALLID})
 same => n,Goto({{DEST_CONTEXT}},{{DEST_EXTEN}},{{DEST_PRIORITY}})

[pd-{{NAME}}-customer]
exten => _[0-9*#+].,1,NoOp(PanelDialer {{NAME}} customer ${EXTEN})
 same => n,Dial(Local/${EXTEN}@{{DIAL_CONTEXT}},{{DIAL_TIMEOUT}})
 same => n,UserEvent(PanelDialerDial,Status: ${DIALSTATUS},CallID: ${PD_CALLID})
 same => n,Hangup()
{{/CAMPAIGN}}
