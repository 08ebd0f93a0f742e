// The compiled parts of Boost.Asio and Boost.Beast, once for the whole build.
// Every target that includes them links pd_boost_net, whose PUBLIC
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION turn their
// .ipp implementations into declarations there: the reactor, scheduler,
// sockets, HTTP parser and WebSocket code are compiled here instead of again
// in each of the (slowest) files that use them (docs/build-times.md).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
