// What the poster test plugin (poster.cpp) reports to the test that loaded it,
// through its exported poster_report().
#pragma once

#include <cstdint>

struct PosterReport {
  uint64_t accepted = 0;      // post() returned PD_OK
  uint64_t refused = 0;       // post() returned an error (the poster freed the arg)
  uint64_t runs = 0;          // fn(arg) calls
  uint64_t drops = 0;         // drop(arg) calls
  uint64_t lost = 0;          // accepted items neither run nor dropped (a leak)
  uint64_t twice = 0;         // items run or dropped more than once, or refused and then touched
  uint64_t wrong_thread = 0;  // fn/drop calls off the host loop
  uint64_t during_stop = 0;   // fn/drop calls once stop() had begun (must be none)
  uint64_t out_of_order = 0;  // a thread's items disposed of out of post order
  int threads_refused = 0;    // poster threads that ended on a refusal
};

// Snapshot of the counters; with `finish`, also audits every item ever posted
// (lost, twice), frees them and resets, ready for the next test.
using PosterReportFn = void (*)(PosterReport* out, int finish);
#define POSTER_REPORT_SYMBOL "poster_report"

// Blocks until done(snapshot, context) is true - woken by every change of the
// counters, never by a timer - or timeout_ms passes; returns the last answer.
using PosterDoneFn = int (*)(const PosterReport* snapshot, void* context);
using PosterWaitFn = int (*)(PosterDoneFn done, void* context, int timeout_ms);
#define POSTER_WAIT_SYMBOL "poster_wait"
