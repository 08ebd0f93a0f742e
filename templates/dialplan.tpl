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
    pd-<campaign>-abandon   predictive only: the answered call waited the
                            connect limit in Queue(<queue>,,,,<limit>) with
                            no agent; it hears the abandon message and is
                            hung up (the PBX keeps the limit, not the host).
  UserEvents: PanelDialerAMD (Status, Cause), PanelDialerDial (Status),
  PanelDialerDest (Status: INVALID - the destination is not in the dialplan),
  PanelDialerAbandon (Status: the QUEUESTATUS - TIMEOUT, JOINEMPTY ...).

  Milestones (docs/milestones.md): each step worth knowing after a crash is
  written to the Asterisk database, family "paneldialer", key
  "<call id>/<name>", so that an engine restarted meanwhile reads what
  happened (AMI DBGetTree) instead of guessing. Times are epoch milliseconds.
}}{{#CAMPAIGN}}
; campaign {{NAME}} ({{MODE}}, {{DEST_KIND}})
[pd-{{NAME}}-dest]
exten => s,1,NoOp(PanelDialer {{NAME}} call ${PD_CALLID})
 same => n,Set(DB(paneldialer/${PD_CALLID}/answered)=${STRFTIME(,,%s%3q)})
 same => n,Set(CHANNEL(hangup_handler_push)=pd-{{NAME}}-end,s,1)
{{#AMD}} same => n,AMD()
 same => n,Set(DB(paneldialer/${PD_CALLID}/amd)=${AMDSTATUS})
 same => n,UserEvent(PanelDialerAMD,Status: ${AMDSTATUS},Cause: ${AMDCAUSE},CallID: ${PD_CALLID})
 same => n,GotoIf($["${AMDSTATUS}" = "MACHINE"]?{{AMD_CONTEXT}},{{AMD_EXTEN}},{{AMD_PRIORITY}})
{{/AMD}}{{#PLAIN}} same => n,GotoIf($[${DIALPLAN_EXISTS({{DEST_CONTEXT}},{{DEST_EXTEN}},{{DEST_PRIORITY}})}]?:pd-{{NAME}}-invalid,s,1)
 same => n,Set(DB(paneldialer/${PD_CALLID}/dest)=ok)
 same => n,Goto({{DEST_CONTEXT}},{{DEST_EXTEN}},{{DEST_PRIORITY}})
{{/PLAIN}}{{#PREDICTIVE}} same => n,Set(DB(paneldialer/${PD_CALLID}/dest)=ok)
 same => n,Queue({{QUEUE}},,,,{{CONNECT_LIMIT}})
 same => n,GotoIf($["${QUEUESTATUS}" = "" | "${QUEUESTATUS}" = "CONTINUE"]?:pd-{{NAME}}-abandon,s,1)
 same => n,Hangup()

; Predictive: no agent took the answered call within the connect limit.
[pd-{{NAME}}-abandon]
exten => s,1,Set(DB(paneldialer/${PD_CALLID}/abandoned)=${STRFTIME(,,%s%3q)})
 same => n,UserEvent(PanelDialerAbandon,Status: ${QUEUESTATUS},CallID: ${PD_CALLID})
 same => n,Playback({{ABANDON_MESSAGE}})
 same => n,Hangup()
{{/PREDICTIVE}}
[pd-{{NAME}}-local]
exten => s,1,NoOp(PanelDialer {{NAME}} local leg ${PD_CALLID})
 same => n,Set(CHANNEL(hangup_handler_push)=pd-{{NAME}}-agent,s,1)
 same => n,GotoIf($[${DIALPLAN_EXISTS({{DEST_CONTEXT}},{{DEST_EXTEN}},{{DEST_PRIORITY}})}]?:pd-{{NAME}}-invalid,s,1)
 same => n,Set(DB(paneldialer/${PD_CALLID}/dest)=ok)
 same => n,Goto({{DEST_CONTEXT}},{{DEST_EXTEN}},{{DEST_PRIORITY}})

[pd-{{NAME}}-customer]
exten => _[0-9*#+].,1,NoOp(PanelDialer {{NAME}} customer ${EXTEN})
 same => n,Set(CHANNEL(hangup_handler_push)=pd-{{NAME}}-end,s,1)
 same => n,Dial(Local/${EXTEN}@{{DIAL_CONTEXT}},{{DIAL_TIMEOUT}},U(pd-{{NAME}}-answered^s^1))
 same => n,Set(DB(paneldialer/${PD_CALLID}/dialstatus)=${DIALSTATUS})
 same => n,UserEvent(PanelDialerDial,Status: ${DIALSTATUS},CallID: ${PD_CALLID})
 same => n,Hangup()

; Dial's U(): runs on the customer's channel the moment it answers.
[pd-{{NAME}}-answered]
exten => s,1,Set(DB(paneldialer/${PD_CALLID}/answered)=${STRFTIME(,,%s%3q)})
 same => n,Return()

; The destination is not in the dialplan: never count the call as a success.
[pd-{{NAME}}-invalid]
exten => s,1,Set(DB(paneldialer/${PD_CALLID}/dest)=invalid)
 same => n,UserEvent(PanelDialerDest,Status: INVALID,CallID: ${PD_CALLID})
 same => n,Hangup()

; Hangup handler of the call's own channel: its end, its cause and, when a
; queue connected it (setinterfacevar=yes), the agent.
[pd-{{NAME}}-end]
exten => s,1,Set(DB(paneldialer/${PD_CALLID}/ended)=${STRFTIME(,,%s%3q)})
 same => n,Set(DB(paneldialer/${PD_CALLID}/cause)=${HANGUPCAUSE})
 same => n,ExecIf($["${MEMBERINTERFACE}" != ""]?Set(DB(paneldialer/${PD_CALLID}/agent)=${MEMBERINTERFACE}))
 same => n,Return()

; Hangup handler of the local leg's queue caller (local first): the agent.
[pd-{{NAME}}-agent]
exten => s,1,ExecIf($["${MEMBERINTERFACE}" != ""]?Set(DB(paneldialer/${PD_CALLID}/agent)=${MEMBERINTERFACE}))
 same => n,Return()
{{/CAMPAIGN}}
