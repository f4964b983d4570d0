// ENet walks every allocated peer slot on each enet_host_service and enet_host_flush, connected or
// not: a host made for 4095 peers with a handful connected spends most of a wake-up walking
// empty slots. ENet takes the lowest free slot for every new peer, so the slots in use all lie
// below a mark, and ENet only needs to see those plus room for the connections one pass can
// accept. The window lowers host->peerCount to that around ENet's calls and restores it after;
// everything else (our API, the DTLS layer's limits, enet_host_destroy) sees the real count.
#ifndef GODOT_ENET_PEER_WINDOW_H
#define GODOT_ENET_PEER_WINDOW_H

#include <enet/enet.h>

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
  size_t used_ = 0;
};

}  // namespace godot_enet

#endif
