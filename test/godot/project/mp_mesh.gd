# A Godot 4 mesh node (create_mesh + add_mesh_peer) with the default SceneMultiplayer, as in
# Godot's "Multiplayer in Godot 4.0: ENet wrappers, WebRTC" post: one ENetConnection per other
# peer, at addresses the test chose (no signaling: this build has no WebSocket module). Of each
# pair, one side listens and the other connects, announcing its ID as connect data.
#   --id=N --links=JSON: [{"id": N, "listen": PORT} or {"id": N, "connect": PORT}, ...]
extends "res://mp_common.gd"

## Links whose peer has not connected yet: peer ID → its ENetConnection.
var _linking := {}


func start() -> void:
	super.start()
	var multiplayer := get_multiplayer() as SceneMultiplayer
	watch(multiplayer)
	var error := peer.create_mesh(int(option("id")))
	multiplayer.multiplayer_peer = peer
	for link: Dictionary in JSON.parse_string(option("links")):
		var host := ENetConnection.new()
		if link.has("listen"):
			host.create_host_bound("127.0.0.1", int(link["listen"]), 1)
		else:
			host.create_host(1)
			host.connect_to_host("127.0.0.1", int(link["connect"]), 0, int(option("id")))
		_linking[int(link["id"])] = host
	report("created", {"error": error, "id": peer.get_unique_id()})


func step() -> void:
	super.step()
	for id: int in _linking.keys():
		var event: Array = _linking[id].service()
		if event[0] == ENetConnection.EVENT_CONNECT:
			report("linked", {"id": id, "error": peer.add_mesh_peer(id, _linking[id])})
			_linking.erase(id)
