# Odd corners of RouterOS v7 exports: an early v7 'endpoint', quoted values with escapes, durations,
# IPv6, a hidden private key, a disabled interface and a disabled peer, 'set [ find ]', unknown properties.
/interface wireguard
add comment="Branch \"North\" link" name=wg-branch
add listen-port=13300 mtu=1380 name=wg-spare disabled=yes
set [ find name=wg-branch ] mtu=1400
/interface/wireguard/peers
add allowed-address=10.20.0.0/16 endpoint=198.51.100.7:13231 interface=wg-branch \
    persistent-keepalive=1m30s public-key="kwVRya604rVcH3/vtvvZqwBQxzWec016ks1RxU7pKHs=" comment=North
add allowed-address=fd00:20::/64,10.21.0.0/16 endpoint="[2001:db8::7]:51821" interface=wg-branch \
    persistent-keepalive=1m name="South\_Office" preshared-key="+U/QqhuQj/16WnCw5V24PfWgDXBXwdeHuTpdq8HOdHM=" public-key="+0efv0wmevKqYw8nUX4/GNCW17xQP4BEvTKDb56NQjI="
add allowed-address=10.22.0.0/16 comment=Old disabled=yes interface=wg-branch public-key="mPNkZxWXxR4YXKOZSHCyth1UoM6GuDPzlHp46wybIQs="
add allowed-address=10.23.0.0/16 endpoint-address=2001:db8::9 endpoint-port=51822 frobnicate=yes \
    interface=wg-branch is-responder=yes persistent-keepalive=00:00:40 public-key="AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
/ipv6 address
add address=fd00:1::1/64 advertise=no interface=wg-branch
/ip address
add address=10.255.0.1/30 interface=wg-branch network=10.255.0.0
add address=192.168.50.1/24 interface=ether2 network=192.168.50.0
/ip route
add dst-address=10.20.0.0/16 gateway=wg-branch
add dst-address=10.99.0.0/16 gateway=10.255.0.2
add dst-address=0.0.0.0/0 gateway=192.0.2.1
