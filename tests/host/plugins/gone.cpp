// A shared library the "needs_gone" probe links against, built where the
// dynamic loader does not look (no RPATH in that probe): dlopen of the probe
// fails with "libpd_test_gone.so: cannot open shared object file", as a
// plugin whose dependency is not installed would.
extern "C" __attribute__((visibility("default"))) int pd_test_gone() {
  return 42;
}
