/*
 * pd_plugin.h — the C ABI between a panel host and a plugin (PanelDialer).
 *
 * This header is the whole contract. A host needs nothing else to load a plugin,
 * and a plugin needs nothing else to talk to a host. Plain C11, no C++ types;
 * it compiles with -std=c11 -Wall -Wextra -Werror -pedantic (a test checks).
 *
 * RULES THAT HOLD FOR EVERY FUNCTION BELOW
 *
 * Versions.  An ABI version is MAJOR.MINOR, stored in one uint32_t as
 *   (MAJOR << 16) | MINOR (PD_ABI_MAKE_VERSION). MAJOR changes when anything
 *   already there changes meaning or layout; MINOR changes when fields are
 *   appended to the end of a table. So:
 *   - A host accepts a plugin whose MAJOR equals its own and whose MINOR is at
 *     most its own, and refuses any other, logging both versions as M.m. (A
 *     newer-minor plugin may rely on services this host does not have; refusing
 *     it is safer than trusting every plugin to check.)
 *   - Every table starts with struct_size, the sizeof the writer compiled. A
 *     reader touches a field only when struct_size covers it (PD_HAS_FIELD); a
 *     field past struct_size is absent, exactly as if it were NULL. This is how
 *     a host reads the smaller table of an older-minor plugin, and how a plugin
 *     reads the services of an older-minor host.
 *   - A table smaller than its MAJOR.0 layout (PD_PLUGIN_V1_MIN_SIZE,
 *     PD_HOST_SERVICES_V1_MIN_SIZE) is malformed and refused.
 *   - Fields are only ever appended; a changed signature is a new MAJOR (or a
 *     new field, the old one kept). The "_v1" in the struct names is the name of
 *     the table's lineage, not a version number.
 *   History: 1 (a plain integer; reads as 0.1 today and is refused): the
 *   first table. 2.0: post() gains `drop`, the posted-work rule below. 2.1:
 *   pd_plugin_v1.description. 2.2: pd_host_services_v1.ami_pacing (the
 *   host's AMI rate cap and how many of the plugin's actions wait behind it)
 *   and pd_plugin_v1.on_ami_written (when each action went onto the wire).
 *   2.3: pd_plugin_v1.http_prefix and on_http_request, and
 *   pd_host_services_v1.http_reply (a plugin serves HTTP API routes the
 *   host authenticates; docs/API.md).
 *
 * Threads.  The host has ONE event-loop thread ("the host loop"). It calls
 *   every plugin callback (and pd_plugin_entry) there, never two at once. The
 *   plugin calls host services only from the host loop, except post(), which
 *   any thread may call. Callbacks must not block: database, file and network
 *   work belong on the plugin's own threads, whose results come back to the
 *   host loop through post().
 *
 * Posted work.  post(host, fn, arg, drop) either returns an error, and then the
 *   host keeps nothing, will call neither function, and the caller still owns
 *   arg; or it returns PD_OK, and then the host owns arg and calls EXACTLY ONE
 *   of fn(arg) or drop(arg), EXACTLY ONCE, on the host loop:
 *   - fn(arg) in the order posts were accepted, while the plugin runs;
 *   - drop(arg) for work that will never run: when the host stops the plugin
 *     (every pending item is dropped, in post order, BEFORE stop() is called,
 *     so stop() is still the last call into the plugin), or when start() fails
 *     (work posted during start() is dropped after start() returns, before the
 *     library is unloaded). drop may be NULL when arg needs no cleanup.
 *   From the moment the host begins stopping a plugin, its post() returns
 *   PD_ESTATE. Nothing the plugin passed to post() is touched after stop()
 *   returns.
 *
 * Pointers.  Every pointer the host passes into a callback (field arrays, strings,
 *   JSON) is owned by the host and valid only until that callback returns; copy
 *   what you keep. Every pointer the plugin passes into a host service is owned
 *   by the plugin and only read during the call (post()'s arg excepted: see
 *   Posted work). The callback table returned by pd_plugin_entry, with the
 *   strings it points to, is static for the life of the loaded library; the
 *   services table passed to start() is the host's and valid until stop()
 *   returns (or start() fails).
 *
 * Strings.  NUL-terminated UTF-8. JSON arguments are complete JSON texts.
 *
 * Errors.  Functions that can fail return int: PD_OK (0) on success, a negative
 *   PD_E* code otherwise. A failed call had no effect unless its comment says
 *   otherwise. Details go to the host log; no error string is handed across, so
 *   nothing needs freeing.
 *
 * Exceptions and unwinding.  Nothing may unwind across this interface: a C++
 *   plugin or host catches every exception inside each function it exposes
 *   here and turns it into an error code or a log line.
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

/* ---- Versions ------------------------------------------------------------ */
#define PD_ABI_MAKE_VERSION(major, minor) \
  ((uint32_t)(((uint32_t)(major) << 16) | ((uint32_t)(minor) & 0xffffu)))
#define PD_ABI_MAJOR_OF(version) ((uint32_t)(version) >> 16)
#define PD_ABI_MINOR_OF(version) ((uint32_t)(version) & 0xffffu)

/* The ABI this header describes. */
#define PD_ABI_VERSION_MAJOR 2u
#define PD_ABI_VERSION_MINOR 3u
#define PD_ABI_VERSION PD_ABI_MAKE_VERSION(PD_ABI_VERSION_MAJOR, PD_ABI_VERSION_MINOR)

/* 1 when a table an other side wrote is big enough to hold `field`: read a field
 * only when this holds. `table` points to a struct of type `type` whose first
 * member is struct_size. */
#define PD_HAS_FIELD(type, table, field) \
  ((size_t)(table)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* In C++ the entry point is declared noexcept, so a C++ plugin's definition
 * must say noexcept too: the compiler then refuses one that does not. */
#ifdef __cplusplus
#define PD_NOEXCEPT noexcept
#else
#define PD_NOEXCEPT
#endif

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
  PD_ESTATE = -6      /* called at a time it is not allowed (e.g. while stopping) */
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

/* Work posted to the host loop, and its disposal when it will never run. Both
 * run on the host loop; see "Posted work" above for which one, and when. */
typedef void (*pd_task_fn)(void *arg);
typedef void (*pd_drop_fn)(void *arg);

/* What ami_pacing() reports: the host's AMI rate cap and the plugin's actions
 * waiting behind it. Sized by the CALLER: it sets struct_size to the sizeof it
 * was built with, and the host writes only the fields that size covers (later
 * minors append fields here too; read them only when PD_HAS_FIELD holds for
 * the size the caller set and the host's minor has them). Since 2.2. */
typedef struct pd_ami_pacing {
  uint32_t struct_size;  /* set by the caller: sizeof(pd_ami_pacing) as it built it */
  /* The plugin's actions accepted by ami_send and not yet written to the AMI
   * socket (waiting for the rate cap). */
  uint32_t queued;
  /* Every plugin's actions waiting, this one's included (the queue is shared
   * and first in, first out). */
  uint32_t queued_all;
  /* The queue's bound: ami_send gives PD_EAGAIN when queued_all reaches it. */
  uint32_t queue_max;
  /* The cap: actions a second the host writes at most, for all plugins
   * together (panelhost: ami.rate). 0 when the host does not limit. */
  double rate_per_s;
  /* How long the oldest of the plugin's queued actions has waited, in
   * milliseconds; 0 when none waits. */
  uint64_t oldest_wait_ms;
} pd_ami_pacing;

/* The scope of the API token a request came with (the host's config names
 * each token and limits it to one scope). Since 2.3. */
typedef enum pd_http_scope { PD_HTTP_SCOPE_READ = 1, PD_HTTP_SCOPE_WRITE = 2 } pd_http_scope;

/* One HTTP API request under the plugin's http_prefix, as on_http_request
 * gets it. The host has already authenticated it (a bearer token from its
 * config), refused a read token on any method but GET/HEAD (403), and
 * refused a body over its limit (413): what reaches the plugin is allowed.
 * Every pointer is the host's, valid only during on_http_request. Sized by
 * the HOST (later minors append fields: read them only when PD_HAS_FIELD
 * holds). Since 2.3. */
typedef struct pd_http_request {
  uint32_t struct_size; /* sizeof(pd_http_request) as the host built it */
  uint64_t id;          /* the request's id: pass it to http_reply, once */
  const char *method;   /* "GET", "POST", "PUT", "PATCH", "DELETE", ... */
  const char *path;     /* as sent, starting with the plugin's http_prefix; no query */
  const char *query;    /* what follows '?', as sent (still %-encoded); "" when none */
  const char *body;     /* body_size bytes, NUL-terminated; "" when none */
  size_t body_size;
  const char *token_name; /* the name of the token in the host's config */
  int scope;              /* a pd_http_scope */
} pd_http_request;

/* ---- Services the host offers ------------------------------------------- */
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
   * when queued (the host paces actions to its rate cap: ami_pacing says how
   * many wait, on_ami_written when each was written), PD_ENOLINK
   * while the AMI link is down, PD_EAGAIN when the send queue is full.
   * The response and any list events come back through on_ami_event with
   * the same ActionID. Host loop only. */
  int (*ami_send)(pd_host *host, const pd_ami_field *fields, size_t n_fields,
                  char *action_id_out, size_t action_id_cap);

  /* Send a JSON text to every open panel of one agent (by extension).
   * PD_ENOTFOUND when that agent has no panel open (the message is dropped:
   * panel state must be re-sent when the agent's panel opens). Host loop only. */
  int (*panel_send)(pd_host *host, const char *agent, const char *json);

  /* Queue fn(arg) to run on the host loop, soon. Any thread may call this,
   * including the host loop and the plugin's threads during start() and
   * stop(); it never blocks for long (a short lock) and never calls fn or drop
   * itself. PD_OK: queued, the host owns arg until it calls fn(arg) or
   * drop(arg) (exactly one, exactly once, on the host loop). PD_ESTATE: the
   * host is stopping this plugin (or start() already failed); PD_EINVAL: fn
   * is NULL; PD_EINTERNAL: the host could not queue it (out of memory). On
   * any error neither function is ever called and the caller still owns arg.
   * drop may be NULL. Since 2.0. */
  int (*post)(pd_host *host, pd_task_fn fn, void *arg, pd_drop_fn drop);

  /* Write one line to the host log, tagged with the plugin id. Host loop only
   * (worker threads post() their log lines, or keep their own). */
  void (*log)(pd_host *host, pd_log_level level, const char *message);

  /* The folder the plugin was loaded from (holds manifest.json), absolute,
   * without a trailing slash. Valid until stop() returns. */
  const char *plugin_dir;

  /* Since 2.2. Fills *out (see pd_ami_pacing: the caller sets
   * out->struct_size first) with the host's AMI rate cap and how many of the
   * plugin's actions wait behind it. PD_OK; PD_EINVAL when out is NULL or its
   * struct_size is below 8. Cheap (a few counters): a plugin may call it on
   * every tick. Host loop only. */
  int (*ami_pacing)(pd_host *host, pd_ami_pacing *out);

  /* Since 2.3. Answers the HTTP API request `request_id` (from
   * on_http_request) with `status` (100..599) and `json`, a complete JSON
   * text the host sends as the body (application/json). Exactly one reply per
   * accepted request; the host keeps the request at most its own timeout
   * (panelhost: api.timeout_s, then it answers 504 itself). PD_OK: sent (or
   * queued for the socket); PD_ENOTFOUND: no such request waits any more
   * (answered already, timed out, or the client went away: nothing to do);
   * PD_EINVAL: a status out of range or NULL json. Host loop only. */
  int (*http_reply)(pd_host *host, uint64_t request_id, int status, const char *json);

  /* Fields added in later minors go here, each with "Since 2.N"; read them
   * only when PD_HAS_FIELD says the host's table holds them. */
} pd_host_services_v1;

/* The size of the 2.0 services table: a host's table smaller than this is
 * malformed. */
#define PD_HOST_SERVICES_V1_MIN_SIZE \
  (offsetof(pd_host_services_v1, plugin_dir) + sizeof(((pd_host_services_v1 *)0)->plugin_dir))

/* ---- Callbacks the plugin offers ---------------------------------------- */
typedef struct pd_plugin_v1 {
  uint32_t struct_size;  /* sizeof(pd_plugin_v1) as the plugin built it */
  uint32_t abi_version;  /* PD_ABI_VERSION the plugin was built against */
  const char *id;        /* e.g. "paneldialer"; matches the manifest */
  const char *version;   /* the plugin's own version, e.g. "0.1.0" */

  /* Required. Start one instance. `host` is the host's services table: read
   * only the fields its struct_size covers. config_json is the plugin's
   * configuration: the host config's section for this plugin id merged over
   * the manifest's defaults ("{}" when there is none).
   * PD_OK: *state_out is the instance, handed to every later callback, and
   * `host` stays valid until stop() returns.
   * Any other code: start failed. The plugin has logged why, joined every
   * thread it started, freed what it allocated; *state_out is untouched. The
   * host drops work posted during start() (see Posted work), never calls the
   * plugin again, and may unload the library. */
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

  /* Required. Stop the instance and free it; joins the plugin's threads. By
   * the time it is called, post() already returns PD_ESTATE and every pending
   * posted item has been dropped (drop(arg) called). This is the last call
   * the host makes into the instance; the plugin must not call any host
   * service after it returns. */
  void (*stop)(pd_plugin_state *state);

  /* Since 2.1. Optional (may be NULL): one line saying what the plugin is, for
   * the host's log. Static, like id. Absent from a 2.0 table (read it only
   * when PD_HAS_FIELD(pd_plugin_v1, table, description)). */
  const char *description;

  /* Since 2.2. Optional (may be NULL). An action this plugin queued with
   * ami_send was written to the AMI socket (handed to the kernel) at
   * written_epoch_ms (the host's wall clock, UTC milliseconds since 1970).
   * action_id is the one ami_send returned. Called once per action, in the
   * order the actions were written, on the host loop, never from inside
   * ami_send (a plugin may record the action id after ami_send returns), and
   * before any response to that action is passed to on_ami_event. An action
   * accepted by ami_send is either reported here or discarded with the queue
   * when the link goes down: on_ami_link(state, 0) then follows, and no
   * report for it ever comes. Lets a plugin time its calls from the moment
   * they reach the PBX rather than from the hand-off, which can be seconds
   * earlier when actions wait behind the host's rate cap (ami_pacing). */
  void (*on_ami_written)(pd_plugin_state *state, const char *action_id,
                         int64_t written_epoch_ms);

  /* Since 2.3. Optional (both NULL, or both set). The plugin serves the
   * HTTP API paths starting with http_prefix (static, like id: "/api/...",
   * ending in '/'; the host refuses a prefix another plugin took, and one
   * outside "/api/"). on_http_request gets each authenticated request under
   * it (see pd_http_request) and returns PD_OK when it will answer through
   * the host's http_reply (now or later, from the host loop), exactly once;
   * any other code and the host answers 503 itself and forgets the request.
   * The host bounds the requests waiting for a reply (panelhost:
   * api.max_in_flight, 503 beyond it) and answers 504 for one not answered
   * within its timeout; a late http_reply then gets PD_ENOTFOUND. The host
   * stops its API with its plugins: requests still waiting then have their
   * connections closed. */
  const char *http_prefix;
  int (*on_http_request)(pd_plugin_state *state, const pd_http_request *request);
} pd_plugin_v1;

/* The size of the 2.0 plugin table: a plugin's table smaller than this is
 * malformed. */
#define PD_PLUGIN_V1_MIN_SIZE \
  (offsetof(pd_plugin_v1, stop) + sizeof(((pd_plugin_v1 *)0)->stop))

/* The one exported symbol, called once on the host loop right after the
 * library is loaded. host_abi is the host's PD_ABI_VERSION. Returns the
 * plugin's callback table, or NULL when the plugin cannot work with that host
 * (a different MAJOR); the host then logs both versions. The host checks the
 * table's abi_version itself (the rule under Versions) and refuses a plugin of
 * a newer MINOR even when it returned a table. Must not throw. */
#define PD_PLUGIN_ENTRY_SYMBOL "pd_plugin_entry"
typedef const pd_plugin_v1 *(*pd_plugin_entry_fn)(uint32_t host_abi);

PD_PLUGIN_EXPORT const pd_plugin_v1 *pd_plugin_entry(uint32_t host_abi) PD_NOEXCEPT;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PANELDIALER_PD_PLUGIN_H */
