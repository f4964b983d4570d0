// ENet walks every allocated peer slot on each enet_host_service and enet_host_flush, connected or
// not: a host made for 4095 peers with a handful connected spends most of a wake-up walking
// empty slots. ENet takes the lowest free slot for every new peer, so the slots in use all lie
// below a mark, and ENet only needs to see those plus room for the connections one pass can
// accept. The window lowers host->peerCount to that around ENet's calls and restores it after;
// everything else (our API, the DTLS layer's limits, enet_host_destroy) sees the real count.
#ifndef GODOT_ENET_PEER_WINDOW_H
#define GODOT_ENET_PEER_WINDOW_H

#include <enet/enet.h>
#include <enet/time.h>

#include "platform/platform.h"

#include <algorithm>
#include <cstddef>

namespace godot_enet {

class PeerWindow {
 public:
  // One enet_host_service pass reads at most 256 datagrams, each carrying at most one CONNECT.
  static constexpr size_t kConnectsPerPass = 256;
  static constexpr size_t kAll = ~static_cast<size_t>(0);

  // The slots below the last one in use: what walks over the peers need to look at.
  size_t Used(const ENetHost* host) {
    used_ = std::min(used_, host->peerCount);
    while (used_ > 0 && host->peers[used_ - 1].state == ENET_PEER_STATE_DISCONNECTED) --used_;
    return used_;
  }

  // Runs `call` with ENet seeing the slots in use and `room` free ones above them (kAll: every
  // slot, for calls that may accept more than one pass of connections), then takes note of the
  // slots it filled.
  template <typename Call>
  auto Around(ENetHost* host, size_t room, Call call) {
    const size_t allocated = host->peerCount;
    const size_t used = Used(host);
    const size_t window = room >= allocated - used ? allocated : used + room;
    host->peerCount = window;
    auto result = call();
    host->peerCount = allocated;
    Include(host, used, window);
    return result;
  }

  // Around, for the enet_host_service calls of the event pump. ENet walks the peers before
  // reading the socket and again after. The pump flushes at the end of every wake-up, so the
  // first walk has next to nothing to send, and its time-driven work (resends, timeouts, pings)
  // is the second walk's too, a read later; the pump schedules its next wake-up by the same
  // deadlines. So ENet sees no peers until it reads: a host with thousands of peers walks them
  // twice per wake-up (this call's second walk, the closing flush) instead of three times. The
  // bandwidth throttle runs before the first walk and must see the peers: when it is due nothing
  // is hidden, and a throttle that fell due in between is undone, to run on the next call.
  template <typename Call>
  int AroundFromReceive(ENetHost* host, size_t room, Call call) {
    if (ENET_TIME_DIFFERENCE(enet_time_get(), host->bandwidthThrottleEpoch) >= ENET_HOST_BANDWIDTH_THROTTLE_INTERVAL) {
      return Around(host, room, call);
    }
    return Around(host, room, [&] {
      Hidden hidden{host, host->peerCount, host->bandwidthThrottleEpoch, host->recalculateBandwidthLimits, false};
      host->peerCount = 0;
      platform_before_receive(host->socket, &Hidden::Show, &hidden);
      int result = call();
      platform_before_receive(host->socket, nullptr, nullptr);
      if (!hidden.shown) Hidden::Show(&hidden);  // ENet returned a queued event without reading
      return result;
    });
  }

  // Runs `call` with ENet seeing the slots [from, to) alone: its walks start at host->peers and
  // look at nothing else of the array (nor does the platform layer's send path). For flushes.
  template <typename Call>
  void Only(ENetHost* host, size_t from, size_t to, Call call) {
    ENetPeer* const peers = host->peers;
    const size_t allocated = host->peerCount;
    host->peers = peers + from;
    host->peerCount = to - from;
    call();
    host->peers = peers;
    host->peerCount = allocated;
  }

  // Takes note of slots in [from, to) that are in use now (e.g. enet_host_connect's new peer).
  void Include(const ENetHost* host, size_t from, size_t to) {
    for (size_t slot = to; slot > std::max(from, used_); --slot) {
      if (host->peers[slot - 1].state != ENET_PEER_STATE_DISCONNECTED) {
        used_ = slot;
        return;
      }
    }
  }

  void Reset() { used_ = 0; }

 private:
  struct Hidden {
    ENetHost* host;
    size_t peerCount;
    enet_uint32 throttleEpoch;
    int recalculateBandwidthLimits;
    bool shown;

    static void Show(void* context) {
      Hidden* hidden = static_cast<Hidden*>(context);
      hidden->shown = true;
      ENetHost* host = hidden->host;
      host->peerCount = hidden->peerCount;
      if (host->bandwidthThrottleEpoch != hidden->throttleEpoch) {
        host->bandwidthThrottleEpoch = hidden->throttleEpoch;
        host->recalculateBandwidthLimits = hidden->recalculateBandwidthLimits;
      }
    }
  };

  size_t used_ = 0;
};

}  // namespace godot_enet

#endif
