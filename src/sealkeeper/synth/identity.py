"""Synthetic identities for synthetic people: name, resident ID number (valid check digit), address.

Deterministic for (seed, person number) and drawn from their own random stream, so that switching identities
on does not change anyone's legal facts. ID numbers are unique within a population of up to 100,000 people per
birth date: the region code and the sequence number are spread over the person's number.
"""

from __future__ import annotations

import datetime as dt
import random

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红玉梅晨宇浩然子轩欣怡思雨博文俊雅婷嘉梓涵一诺"
_PROVINCES = ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
              "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65")  # fmt: skip
_REGIONS = tuple(f"{p}{c:02d}{d:02d}" for p in _PROVINCES for c in (1, 2) for d in (2, 3))  # 124 region codes
_CITIES = (
    "北京市朝阳区",
    "上海市浦东新区",
    "广州市天河区",
    "深圳市南山区",
    "成都市武侯区",
    "杭州市西湖区",
    "武汉市洪山区",
    "西安市雁塔区",
)
_ROADS = ("人民路", "解放路", "中山路", "建设路", "和平街", "光明路", "长江路", "幸福里")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number(number: int, birth: dt.date) -> str:
    """A resident ID number for person ``number`` (GB 11643-1999: region, birth date, sequence, check)."""
    region = _REGIONS[(number // 1000) % len(_REGIONS)]
    body = f"{region}{birth:%Y%m%d}{number % 1000:03d}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def identity(seed: int, number: int, birth: dt.date) -> dict[str, str]:
    rng = random.Random(f"identity/{seed}/{number}")  # noqa: S311 - synthetic data, not security
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    street = f"{rng.choice(_CITIES)}{rng.choice(_ROADS)}{rng.randint(1, 999)}号"
    address = f"{street}{rng.randint(1, 30)}栋{rng.randint(101, 2808)}室"
    return {"name": rng.choice(_SURNAMES) + given, "id_number": id_number(number, birth), "address": address}
