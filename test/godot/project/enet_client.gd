# Godot as ENet clients (see enet_common.gd for commands and options): --clients hosts (1), each
# connecting to --address (127.0.0.1) port --port with --channels (0: the most) and --data, from
# a host with --in_bandwidth and --out_bandwidth; --dtls_hostname makes them DTLS clients of
# that host name (dtls_client_options()). Reports "connecting" with the time it asked.
extends "res://enet_common.gd"


func start() -> void:
	for index in int(option("clients", "1")):
		var connection := ENetConnection.new()
		var error := connection.create_host(1, 0, int(option("in_bandwidth", "0")), int(option("out_bandwidth", "0")))
		if error != OK:
			report("fatal", {"why": "create_host", "error": error})
			quit(2)
			return
		configure(connection)
		if option("dtls_hostname") != "":
			error = connection.dtls_client_setup(option("dtls_hostname"), dtls_client_options())
			if error != OK:
				report("fatal", {"why": "dtls_client_setup", "error": error})
				quit(2)
				return
		report("connecting", {"host": index, "usec": Time.get_ticks_usec()})
		var peer := connection.connect_to_host(option("address", "127.0.0.1"), int(option("port")),
			int(option("channels", "0")), int(option("data", "0")))
		if peer == null:
			report("fatal", {"why": "connect_to_host"})
			quit(2)
			return
