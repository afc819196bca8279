#pragma once
// How an actor's outbound HTTP calls come back to it: the outbound port
// (core/connect/outbound_port.hpp) completes on its own threads, and the
// completion turns the answer into a message (http_atom, tag, answer) to
// the caller, whose interface lists `outbound_reply` (engine_interfaces.hpp).

#include <caf/send.hpp>

#include <cstdint>
#include <utility>

#include "actors/catalogue.hpp"
#include "core/connect/outbound_port.hpp"
#include "core/util/result.hpp"

namespace integrator {

/// The completion that sends the answer of the call tagged `tag` to `to`.
template <class Handle>
outbound_port::completion reply_to(Handle to, std::uint64_t tag) {
  return [to = std::move(to), tag](outbound_response r) {
    caf::anon_send(to, http_atom::value, tag, std::move(r));
  };
}

/// Sends `req` through `endpoint`'s gate (its concurrency and retry policy)
/// on `gate`; the answer comes back to `to` tagged `tag`.
template <class Handle>
void call_out(outbound_port& client, const http_endpoint& endpoint, std::string gate,
              outbound_request req, Handle to, std::uint64_t tag) {
  client.submit(std::move(req), std::move(gate), endpoint.concurrency(), endpoint.retry(),
                reply_to(std::move(to), tag));
}

/// As above for a request that may have been refused (a URL outside the
/// connection's base URI): then nothing goes out, and `to` gets at once a
/// transport failure saying why.
template <class Handle>
void call_out(outbound_port& client, const http_endpoint& endpoint, std::string gate,
              result<outbound_request> req, Handle to, std::uint64_t tag) {
  if (!req) {
    outbound_response refused;
    refused.transport_error = req.error().message;
    caf::anon_send(to, http_atom::value, tag, std::move(refused));
    return;
  }
  call_out(client, endpoint, std::move(gate), std::move(*req), std::move(to), tag);
}

}  // namespace integrator
