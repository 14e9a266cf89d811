# 2026-12-05 10:00:00 by RouterOS 7.16.2
# software id = ABCD-1234
#
# model = RB5009UG+S+
/interface bridge
add name=bridge-lan
/interface wireguard
add listen-port=51820 mtu=1420 name=main-office private-key=\
    "qGLNAoT7E+upkvmo6m4Pdrq+08nn4jYURUqhloIpRn8="
/interface wireguard peers
add allowed-address=172.16.1.0/24,192.168.1.0/24 endpoint-address=203.0.113.2 \
    endpoint-port=51820 interface=main-office name=Satellite public-key=\
    "kwVRya604rVcH3/vtvvZqwBQxzWec016ks1RxU7pKHs="
/ip address
add address=10.10.10.1/24 interface=bridge-lan network=10.10.10.0
add address=172.16.1.1/24 interface=main-office network=172.16.1.0
/ip dhcp-server
add address-pool=dhcp interface=bridge-lan name=dhcp1
/ip route
add dst-address=192.168.1.0/24 gateway=172.16.1.2
/system identity
set name="Main Office"
