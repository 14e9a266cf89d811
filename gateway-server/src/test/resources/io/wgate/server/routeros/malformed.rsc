/interface wireguard
add name=wg0 private-key="not a key"
add name=wg1 listen-port=99999
/interface wireguard peers
add interface=wg1 public-key="kwVRya604rVcH3/vtvvZqwBQxzWec016ks1RxU7pKHs=" allowed-address=10.0.0.0/33
add interface=wg1 comment="never closed
add interface=wg1 allowed-address=10.1.0.0/16
frobnicate the router
:global x 1
add interface=wg1 public-key="+0efv0wmevKqYw8nUX4/GNCW17xQP4BEvTKDb56NQjI=" persistent-keepalive=ten endpoint-address=198.51.100.1 endpoint-port=0x10
add interface=wg1 public-key="AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=" comment="bad \q escape"
/ip address
add address=10.0.0.300/24 interface=wg1
/interface bridge
add name="unterminated
/ip route
add dst-address=10.9.0.0/16 gateway=wg1 \
