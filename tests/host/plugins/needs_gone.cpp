// Linked into the "needs_gone" probe: a real reference to libpd_test_gone.so,
// so the linker keeps it as a needed library (see gone.cpp).
extern "C" int pd_test_gone();
namespace {
[[maybe_unused]] const int kGone = pd_test_gone();
}
