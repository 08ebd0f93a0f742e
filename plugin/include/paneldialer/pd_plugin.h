/*
 * pd_plugin.h — the C ABI between a panel host and a plugin (PanelDialer).
 *
 * This header is the whole contract. A host needs nothing else to load a plugin,
 * and a plugin needs nothing else to talk to a host. Plain C11, no C++ types.
 *
 * RULES THAT HOLD FOR EVERY FUNCTION BELOW
 *
 * Versioning.  The plugin exports exactly one symbol, pd_plugin_entry (see the
 *   end of this file). The host passes the ABI version it speaks; the plugin
 *   returns its callback table, whose abi_version field says the version the
 *   plugin was built against. A host refuses a table whose abi_version differs
 *   from its own, and logs both numbers. Structs carry their own size
 *   (struct_size); fields are only ever appended, so a reader must check
 *   struct_size before touching a field added after version 1. A changed
 *   signature becomes a new field; the old one stays, deprecated.
 *
 * Threads.  The host calls every plugin callback from ONE thread, its event-loop
 *   thread ("the host loop"). The plugin calls host services only from the host
 *   loop, except post(), which any thread may call. Callbacks must not block:
 *   database, file and network work belong on the plugin's own threads, whose
 *   results come back to the host loop through post().
 *
 * Pointers.  Every pointer the host passes into a callback (field arrays, strings,
 *   JSON) is owned by the host and valid only until that callback returns; copy
 *   what you keep. Every pointer the plugin passes into a host service is owned
 *   by the plugin and only read during the call. The callback table returned by
 *   pd_plugin_entry and the services table passed to start() are static for the
 *   life of the process (host) or of the loaded library (plugin).
 *
 * Strings.  NUL-terminated UTF-8. JSON arguments are complete JSON texts.
 *
 * Errors.  Functions that can fail return int: PD_OK (0) on success, a negative
 *   PD_E* code otherwise. Details go to the host log; no error string is handed
 *   across, so nothing needs freeing.
 *
 * NULL.  No argument may be NULL unless its comment says so.
 */
#ifndef PANELDIALER_PD_PLUGIN_H
#define PANELDIALER_PD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes. Bumped only for an incompatible change. */
#define PD_ABI_VERSION 1u

#if defined(_WIN32)
#define PD_PLUGIN_EXPORT __declspec(dllexport)
#else
#define PD_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* ---- Result codes ------------------------------------------------------ */
enum {
  PD_OK = 0,
  PD_EINVAL = -1,     /* an argument is malformed (e.g. CR/LF in an AMI value) */
  PD_ENOLINK = -2,    /* the AMI link is down; nothing was queued */
  PD_EAGAIN = -3,     /* a bounded queue is full; try again later */
  PD_ENOTFOUND = -4,  /* no such agent / object */
  PD_EINTERNAL = -5,  /* a failure inside the callee; see the host log */
  PD_ESTATE = -6      /* called at a time it is not allowed (e.g. after stop) */
};

typedef enum pd_log_level {
  PD_LOG_DEBUG = 0,
  PD_LOG_INFO = 1,
  PD_LOG_WARN = 2,
  PD_LOG_ERROR = 3
} pd_log_level;

/* One line of an AMI message: "Key: Value". A message is an array of these, in
 * the order they came off (or go onto) the wire. Keys may repeat (Variable:). */
typedef struct pd_ami_field {
  const char *key;
  const char *value;
} pd_ami_field;

/* Opaque handles. The host's context for one loaded plugin; the plugin's own
 * state for one started instance. Neither side looks inside the other's. */
typedef struct pd_host pd_host;
typedef struct pd_plugin_state pd_plugin_state;

/* Work posted to the host loop: fn(arg) runs there, later, exactly once. */
typedef void (*pd_task_fn)(void *arg);

/* ---- Services the host offers (version 1) ------------------------------- */
typedef struct pd_host_services_v1 {
  uint32_t struct_size;  /* sizeof(pd_host_services_v1) as the host built it */
  uint32_t abi_version;  /* PD_ABI_VERSION of the host */
  pd_host *host;         /* pass back as the first argument of every service */

  /* Queue an AMI action for sending. fields[0] must be "Action". The host
   * adds a unique "ActionID" (any ActionID the plugin put in is replaced) and
   * writes it, NUL-terminated, into action_id_out (capacity action_id_cap;
   * 64 bytes always suffice). action_id_out may be NULL when the caller does
   * not care. Every key and value is checked: a CR, LF or other control
   * character anywhere gives PD_EINVAL and nothing is sent. Returns PD_OK
   * when queued (the host paces actions to its configured rate), PD_ENOLINK
   * while the AMI link is down, PD_EAGAIN when the send queue is full.
   * The response and any list events come back through on_ami_event with
   * the same ActionID. Host loop only. */
  int (*ami_send)(pd_host *host, const pd_ami_field *fields, size_t n_fields,
                  char *action_id_out, size_t action_id_cap);

  /* Send a JSON text to every open panel of one agent (by extension).
   * PD_ENOTFOUND when that agent has no panel open (the message is dropped:
   * panel state must be re-sent when the agent's panel opens). Host loop only. */
  int (*panel_send)(pd_host *host, const char *agent, const char *json);

  /* Run fn(arg) on the host loop, soon. Any thread may call this; it never
   * blocks. PD_ESTATE once the host is stopping (fn will not run: the caller
   * still owns arg). */
  int (*post)(pd_host *host, pd_task_fn fn, void *arg);

  /* Write one line to the host log, tagged with the plugin id. Host loop only
   * (worker threads post() their log lines, or keep their own). */
  void (*log)(pd_host *host, pd_log_level level, const char *message);

  /* The folder the plugin was loaded from (holds manifest.json), absolute,
   * without a trailing slash. Valid for the life of the host. */
  const char *plugin_dir;
} pd_host_services_v1;

/* ---- Callbacks the plugin offers (version 1) ---------------------------- */
typedef struct pd_plugin_v1 {
  uint32_t struct_size;  /* sizeof(pd_plugin_v1) as the plugin built it */
  uint32_t abi_version;  /* PD_ABI_VERSION the plugin was built against */
  const char *id;        /* e.g. "paneldialer"; matches the manifest */
  const char *version;   /* the plugin's own version, e.g. "0.1.0" */

  /* Required. Start one instance. config_json is the plugin's configuration:
   * the host config's section for this plugin id merged over the manifest's
   * defaults ("{}" when there is none). On PD_OK *state_out is the instance,
   * handed to every later callback. On failure the plugin has logged why,
   * *state_out is untouched, and the host will not call it again. `host`
   * stays valid until stop() returns. */
  int (*start)(const pd_host_services_v1 *host, const char *config_json,
               pd_plugin_state **state_out);

  /* Required. Every message from the AMI after login: events (fields[0] is
   * "Event"), responses to the plugin's own actions (fields[0] is
   * "Response"), and list items (events carrying the plugin's ActionID).
   * Responses to other plugins' actions and the host's own (Login, Ping) are
   * not passed. */
  void (*on_ami_event)(pd_plugin_state *state, const pd_ami_field *fields,
                       size_t n_fields);

  /* Required. The AMI link went up (1: logged in, events on) or down (0).
   * After up, the plugin re-reads state it depends on (QueueStatus,
   * CoreShowChannels): events may have been missed while down. */
  void (*on_ami_link)(pd_plugin_state *state, int up);

  /* Optional (may be NULL). A JSON message from an agent's panel. The host
   * has authenticated the agent; `agent` is the extension. The host also
   * sends {"type":"panel.open"} when an agent's first panel connects and
   * {"type":"panel.close"} when the agent's last panel goes away. */
  void (*on_panel_message)(pd_plugin_state *state, const char *agent,
                           const char *json);

  /* Required. Called at least 10 times a second with the host's monotonic
   * clock in milliseconds. */
  void (*on_tick)(pd_plugin_state *state, uint64_t now_ms);

  /* Required. Stop the instance and free it; joins the plugin's threads.
   * No callback is made after this, and work the plugin posted but that has
   * not run yet is dropped by the host. */
  void (*stop)(pd_plugin_state *state);
} pd_plugin_v1;

/* The one exported symbol. Returns the plugin's callback table, or NULL when
 * the plugin cannot work with a host speaking host_abi (the host then logs
 * that both versions differ). The table is static; never freed. */
#define PD_PLUGIN_ENTRY_SYMBOL "pd_plugin_entry"
typedef const pd_plugin_v1 *(*pd_plugin_entry_fn)(uint32_t host_abi);

PD_PLUGIN_EXPORT const pd_plugin_v1 *pd_plugin_entry(uint32_t host_abi);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PANELDIALER_PD_PLUGIN_H */
