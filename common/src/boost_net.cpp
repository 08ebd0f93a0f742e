// The compiled parts of Boost.Asio and Boost.Beast, once for the whole build.
// Every target that includes them links pd_boost_net, whose PUBLIC
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION leave
// only the declarations of their non-template code (the reactor, scheduler,
// sockets, HTTP parser, WebSocket handshake...) in those files: it is compiled
// here, once, instead of again in each of the slowest files of the build
// (docs/build-times.md).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
