# A bare ENetMultiplayerPeer without SceneMultiplayer, polled every frame: a server
# (create_server) or a client (create_client). Reports its peers, status and every packet with
# the peer, channel and transfer mode Godot gives it; puts packets as the test commands.
#   --role=server|client --port=N [--address=127.0.0.1] [--bind=127.0.0.1] [--max-clients=N]
#   [--max-channels=N]
extends "res://mp_common.gd"

var _status := MultiplayerPeer.CONNECTION_DISCONNECTED


func start() -> void:
	super.start()
	peer.peer_connected.connect(func(id: int) -> void: report("peer_connected", {"id": id}))
	peer.peer_disconnected.connect(func(id: int) -> void: report("peer_disconnected", {"id": id}))
	var error: int
	if option("role") == "server":
		peer.set_bind_ip(option("bind", "127.0.0.1"))
		error = peer.create_server(int(option("port")), int(option("max-clients", "32")),
			int(option("max-channels", "0")))
	else:
		error = peer.create_client(option("address", "127.0.0.1"), int(option("port")))
	report("created", {"error": error, "id": peer.get_unique_id()})


func step() -> void:
	super.step()
	if peer.get_connection_status() != MultiplayerPeer.CONNECTION_DISCONNECTED:
		peer.poll()
	if peer.get_connection_status() != _status:
		_status = peer.get_connection_status()
		report("status", {"status": _status})
	while peer.get_available_packet_count() > 0:
		var from := peer.get_packet_peer()
		var channel := peer.get_packet_channel()
		var mode := mode_name(peer.get_packet_mode())
		report("packet", {"from": from, "channel": channel, "mode": mode, "text": peer.get_packet().get_string_from_utf8()})


## Command `put`: put_packet(text) to `target` (set_target_peer) with `mode` and `channel`.
func do_put(command: Dictionary) -> int:
	peer.set_target_peer(int(command.get("target", 0)))
	peer.transfer_mode = mode_of(command.get("mode", "reliable"))
	peer.transfer_channel = int(command.get("channel", 0))
	return peer.put_packet(command["text"].to_utf8_buffer())


## Command `disconnect_peer`: disconnect_peer(id, force).
func do_disconnect_peer(command: Dictionary) -> int:
	peer.disconnect_peer(int(command["id"]), command.get("force", false))
	return OK


## Command `disconnect_later`: the ENet peer of `id` leaves once what was sent to it arrived.
func do_disconnect_later(command: Dictionary) -> int:
	peer.get_peer(int(command["id"])).peer_disconnect_later()
	return OK


## Command `channels`: how many ENet channels the link with peer `id` has.
func do_channels(command: Dictionary) -> int:
	return peer.get_peer(int(command["id"])).get_channels()
