# dec/05/2026 10:00:00 by RouterOS 7.12
# software id = EFGH-5678
/interface bridge add name=bridge1
/interface wireguard add listen-port=51820 mtu=1420 name=satellite private-key="6IgjJOPzdjJXrYoTJbeShaxrn+WHeTzrcU0lpcvi0VM="
/interface wireguard peers add allowed-address=172.16.1.0/24,10.10.10.0/24 comment="Main Office" endpoint-address=198.51.100.2 endpoint-port=51820 interface=satellite persistent-keepalive=25s public-key="mPNkZxWXxR4YXKOZSHCyth1UoM6GuDPzlHp46wybIQs="
/ip address add address=192.168.1.1/24 interface=bridge1 network=192.168.1.0
/ip address add address=172.16.1.2/24 interface=satellite network=172.16.1.0
/ip route add dst-address=10.10.10.0/24 gateway=satellite
/ip firewall filter add action=accept chain=input dst-port=51820 protocol=udp
/system identity set name=Satellite
