/* pd_plugin.h as a C program sees it: compiled as C11 with -Wall -Wextra
 * -Werror -pedantic (tests/host/CMakeLists.txt), this file is a host and a
 * plugin in one. It fills a services table, declares the entry point, calls
 * every callback through the table's function pointers, posts work with a
 * drop function and disposes of it as the contract says, and checks the
 * version macros. Exit status 0 when every check holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paneldialer/pd_plugin.h"

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* ---- the host side ------------------------------------------------------ */
#define QUEUE_CAP 8
struct posted {
  pd_task_fn fn;
  void* arg;
  pd_drop_fn drop;
};
struct pd_host {
  struct posted queue[QUEUE_CAP];
  size_t queued;
  int open;
  int sends;
  int logs;
};

static int host_ami_send(pd_host* host, const pd_ami_field* fields, size_t n_fields,
                         char* action_id_out, size_t action_id_cap) {
  if (n_fields == 0 || strcmp(fields[0].key, "Action") != 0) return PD_EINVAL;
  ++host->sends;
  if (action_id_out != NULL && action_id_cap > 0) {
    snprintf(action_id_out, action_id_cap, "p0-%d", host->sends);
  }
  return PD_OK;
}

static int host_panel_send(pd_host* host, const char* agent, const char* json) {
  (void)host;
  (void)json;
  return strcmp(agent, "1001") == 0 ? PD_OK : PD_ENOTFOUND;
}

static int host_post(pd_host* host, pd_task_fn fn, void* arg, pd_drop_fn drop) {
  if (fn == NULL) return PD_EINVAL;
  if (!host->open) return PD_ESTATE;
  if (host->queued == QUEUE_CAP) return PD_EINTERNAL;
  host->queue[host->queued].fn = fn;
  host->queue[host->queued].arg = arg;
  host->queue[host->queued].drop = drop;
  ++host->queued;
  return PD_OK;
}

/* 2.2: the caller sizes the struct; the host fills what that size covers. */
static int host_ami_pacing(pd_host* host, pd_ami_pacing* out) {
  pd_ami_pacing full;
  uint32_t size;
  if (out == NULL || out->struct_size < 8) return PD_EINVAL;
  memset(&full, 0, sizeof full);
  full.queued = (uint32_t)host->sends;
  full.queued_all = (uint32_t)host->sends;
  full.queue_max = 10000;
  full.rate_per_s = 2500.0;
  size = out->struct_size < sizeof full ? out->struct_size : (uint32_t)sizeof full;
  memcpy((char*)out + sizeof full.struct_size, (const char*)&full + sizeof full.struct_size,
         size - sizeof full.struct_size);
  return PD_OK;
}

/* 2.3: the reply to an API request the host passed to on_http_request. */
static uint64_t reply_id = 0;
static int reply_status = 0;
static char reply_body[64];
static int host_http_reply(pd_host* host, uint64_t request_id, int status, const char* json) {
  (void)host;
  if (json == NULL || status < 100 || status > 599) return PD_EINVAL;
  if (request_id != 7) return PD_ENOTFOUND;
  reply_id = request_id;
  reply_status = status;
  snprintf(reply_body, sizeof reply_body, "%s", json);
  return PD_OK;
}

static void host_log(pd_host* host, pd_log_level level, const char* message) {
  (void)level;
  (void)message;
  ++host->logs;
}

/* Runs (run != 0) or drops every queued item, in order. */
static void host_dispose_all(pd_host* host, int run) {
  size_t i;
  for (i = 0; i < host->queued; ++i) {
    if (run) {
      host->queue[i].fn(host->queue[i].arg);
    } else if (host->queue[i].drop != NULL) {
      host->queue[i].drop(host->queue[i].arg);
    }
  }
  host->queued = 0;
}

/* ---- the plugin side ---------------------------------------------------- */
struct pd_plugin_state {
  const pd_host_services_v1* host;
  int events;
  int links;
  int panel_messages;
  uint64_t last_tick;
  int written;
  int64_t written_at;
};

static int runs = 0;
static int drops = 0;

static void task_run(void* arg) {
  ++runs;
  free(arg);
}

static void task_drop(void* arg) {
  ++drops;
  free(arg);
}

static int plugin_start(const pd_host_services_v1* host, const char* config_json,
                        pd_plugin_state** state_out) {
  struct pd_plugin_state* state;
  (void)config_json;
  if (!PD_HAS_FIELD(pd_host_services_v1, host, plugin_dir)) return PD_EINVAL;
  if (PD_ABI_MAJOR_OF(host->abi_version) != PD_ABI_VERSION_MAJOR) return PD_EINVAL;
  state = (struct pd_plugin_state*)calloc(1, sizeof *state);
  if (state == NULL) return PD_EINTERNAL;
  state->host = host;
  host->log(host->host, PD_LOG_INFO, "started");
  *state_out = state;
  return PD_OK;
}

static void plugin_ami_event(pd_plugin_state* state, const pd_ami_field* fields, size_t n_fields) {
  (void)fields;
  state->events += (int)n_fields;
}

static void plugin_ami_link(pd_plugin_state* state, int up) {
  char action_id[64];
  const pd_ami_field ping[] = {{"Action", "Ping"}};
  state->links += up;
  if (up) {
    CHECK(state->host->ami_send(state->host->host, ping, 1, action_id, sizeof action_id) == PD_OK);
    CHECK(strcmp(action_id, "p0-1") == 0);
  }
}

static void plugin_panel_message(pd_plugin_state* state, const char* agent, const char* json) {
  ++state->panel_messages;
  CHECK(state->host->panel_send(state->host->host, agent, json) == PD_OK);
}

static void plugin_tick(pd_plugin_state* state, uint64_t now_ms) {
  state->last_tick = now_ms;
}

static void plugin_ami_written(pd_plugin_state* state, const char* action_id,
                               int64_t written_epoch_ms) {
  CHECK(strcmp(action_id, "p0-1") == 0);
  ++state->written;
  state->written_at = written_epoch_ms;
}

static int plugin_http_request(pd_plugin_state* state, const pd_http_request* request) {
  if (!PD_HAS_FIELD(pd_host_services_v1, state->host, http_reply)) return PD_ESTATE;
  CHECK(PD_HAS_FIELD(pd_http_request, request, scope));
  CHECK(strcmp(request->path, "/api/ctest/ping") == 0 && request->scope == PD_HTTP_SCOPE_READ);
  return state->host->http_reply(state->host->host, request->id, 200, "{\"pong\":true}");
}

static void plugin_stop(pd_plugin_state* state) {
  free(state);
}

static const pd_plugin_v1 plugin_table = {sizeof(pd_plugin_v1),
                                          PD_ABI_VERSION,
                                          "ctest",
                                          "1.0.0",
                                          plugin_start,
                                          plugin_ami_event,
                                          plugin_ami_link,
                                          plugin_panel_message,
                                          plugin_tick,
                                          plugin_stop,
                                          "C compile test of pd_plugin.h",
                                          plugin_ami_written,
                                          "/api/ctest/",
                                          plugin_http_request};

PD_PLUGIN_EXPORT const pd_plugin_v1* pd_plugin_entry(uint32_t host_abi) {
  return PD_ABI_MAJOR_OF(host_abi) == PD_ABI_VERSION_MAJOR ? &plugin_table : NULL;
}

/* Posts one heap item; returns the post() code, freeing the item on refusal
 * (the caller still owns it then). */
static int post_item(const pd_host_services_v1* host) {
  void* item = malloc(16);
  int rc;
  if (item == NULL) return PD_EINTERNAL;
  rc = host->post(host->host, task_run, item, task_drop);
  if (rc != PD_OK) free(item);
  return rc;
}

int main(void) {
  pd_host host;
  pd_host_services_v1 services;
  const pd_plugin_v1* table;
  pd_plugin_state* state = NULL;
  const pd_ami_field event[] = {{"Event", "Hangup"}, {"Cause", "16"}};
  pd_plugin_entry_fn entry = pd_plugin_entry;

  memset(&host, 0, sizeof host);
  host.open = 1;
  memset(&services, 0, sizeof services);
  services.struct_size = (uint32_t)sizeof services;
  services.abi_version = PD_ABI_VERSION;
  services.host = &host;
  services.ami_send = host_ami_send;
  services.panel_send = host_panel_send;
  services.post = host_post;
  services.log = host_log;
  services.plugin_dir = "/tmp";
  services.ami_pacing = host_ami_pacing;
  services.http_reply = host_http_reply;

  /* Versions. */
  CHECK(PD_ABI_VERSION == PD_ABI_MAKE_VERSION(PD_ABI_VERSION_MAJOR, PD_ABI_VERSION_MINOR));
  CHECK(PD_ABI_MAJOR_OF(PD_ABI_MAKE_VERSION(2, 5)) == 2);
  CHECK(PD_ABI_MINOR_OF(PD_ABI_MAKE_VERSION(2, 5)) == 5);
  CHECK(entry(PD_ABI_MAKE_VERSION(PD_ABI_VERSION_MAJOR + 1, 0)) == NULL);
  CHECK(PD_HOST_SERVICES_V1_MIN_SIZE <= sizeof(pd_host_services_v1));
  CHECK(PD_PLUGIN_V1_MIN_SIZE == offsetof(pd_plugin_v1, description));

  /* The host's side of loading: entry, version, size, then the callbacks. */
  table = entry(PD_ABI_VERSION);
  CHECK(table != NULL);
  if (table == NULL) return 1;
  CHECK(PD_ABI_MAJOR_OF(table->abi_version) == PD_ABI_VERSION_MAJOR);
  CHECK(PD_ABI_MINOR_OF(table->abi_version) <= PD_ABI_VERSION_MINOR);
  CHECK(table->struct_size >= PD_PLUGIN_V1_MIN_SIZE);
  CHECK(PD_HAS_FIELD(pd_plugin_v1, table, description));
  CHECK(strcmp(table->description, "C compile test of pd_plugin.h") == 0);

  CHECK(table->start(&services, "{}", &state) == PD_OK);
  CHECK(state != NULL);
  if (state == NULL) return 1;
  table->on_ami_link(state, 1);
  table->on_ami_event(state, event, sizeof event / sizeof event[0]);
  if (table->on_panel_message != NULL) table->on_panel_message(state, "1001", "{}");
  table->on_tick(state, 1234u);
  CHECK(state->links == 1 && state->events == 2 && state->panel_messages == 1);
  CHECK(state->last_tick == 1234u);
  CHECK(host.sends == 1 && host.logs == 1);

  /* 2.2: the queue behind the host's cap, and the write report. */
  CHECK(PD_HAS_FIELD(pd_host_services_v1, &services, ami_pacing));
  CHECK(PD_HAS_FIELD(pd_plugin_v1, table, on_ami_written));
  {
    pd_ami_pacing pacing;
    memset(&pacing, 0, sizeof pacing);
    pacing.struct_size = (uint32_t)sizeof pacing;
    CHECK(services.ami_pacing(services.host, &pacing) == PD_OK);
    CHECK(pacing.queued == 1 && pacing.queue_max == 10000 && pacing.rate_per_s == 2500.0);
    CHECK(pacing.struct_size == sizeof pacing);
    /* An older caller's smaller struct: nothing past its size is written. */
    memset(&pacing, 0xab, sizeof pacing);
    pacing.struct_size = (uint32_t)offsetof(pd_ami_pacing, queue_max);
    CHECK(services.ami_pacing(services.host, &pacing) == PD_OK);
    CHECK(pacing.queued == 1 && pacing.queue_max == 0xabababab);
  }
  table->on_ami_written(state, "p0-1", 1795608000123);
  CHECK(state->written == 1 && state->written_at == 1795608000123);

  /* 2.3: an HTTP API route, answered through the host's http_reply. */
  CHECK(PD_HAS_FIELD(pd_plugin_v1, table, on_http_request));
  CHECK(strcmp(table->http_prefix, "/api/ctest/") == 0);
  {
    pd_http_request request;
    memset(&request, 0, sizeof request);
    request.struct_size = (uint32_t)sizeof request;
    request.id = 7;
    request.method = "GET";
    request.path = "/api/ctest/ping";
    request.query = "";
    request.body = "";
    request.token_name = "wallboard";
    request.scope = PD_HTTP_SCOPE_READ;
    CHECK(table->on_http_request(state, &request) == PD_OK);
    CHECK(reply_id == 7 && reply_status == 200 && strcmp(reply_body, "{\"pong\":true}") == 0);
    CHECK(services.http_reply(services.host, 8, 200, "{}") == PD_ENOTFOUND);
  }

  /* Posted work: two run, three are pending when the host stops and are
   * dropped before stop(); a post while stopping is refused. */
  CHECK(post_item(&services) == PD_OK);
  CHECK(post_item(&services) == PD_OK);
  host_dispose_all(&host, 1);
  CHECK(post_item(&services) == PD_OK);
  CHECK(post_item(&services) == PD_OK);
  CHECK(post_item(&services) == PD_OK);
  host.open = 0;
  CHECK(post_item(&services) == PD_ESTATE);
  host_dispose_all(&host, 0);
  table->stop(state);
  CHECK(runs == 2);
  CHECK(drops == 3);

  if (failures == 0) printf("pd_plugin.h compiles and works as C11\n");
  return failures == 0 ? 0 : 1;
}
