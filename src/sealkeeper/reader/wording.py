"""The phrasing of the synthetic documents: fact patterns per charge and the stock phrases around them.

Slots in braces are filled by :mod:`sealkeeper.reader.corpus`. The fact patterns describe the conduct without
naming the charge (as a 经审理查明 section does); the charge is named where courts name it (本院认为, the
verdict), and other charges appear as distractors (a prior conviction, the prosecution's charge, the defence).
"""

from __future__ import annotations

FACTS: dict[str, tuple[str, ...]] = {
    "dangerous_driving": (
        "{date}{time}，{role}{name}酒后驾驶{vehicle}行驶至{place}时，被执勤民警查获。经鉴定，{role}{name}血液中乙醇含量为{bac}mg/100ml。",
        "{date}{time}，{role}{name}饮酒后驾驶{vehicle}，在{place}与他人车辆发生碰撞，造成两车受损。经检验，其血液酒精含量为{bac}毫克/100毫升，属醉酒驾驶机动车。",
        "{date}{time}，{role}{name}在道路上醉酒驾驶机动车，途经{place}时被公安机关交通管理部门查获，经呼气酒精检测及抽血送检，血液酒精含量达{bac}mg/100ml。",
        "{date}{time}，{role}{name}驾驶{vehicle}在{place}与他人追逐竞驶，多次超速并违规变道，情节恶劣。",
    ),
    "theft": (
        "{date}{time}，{role}{name}在{place}，趁被害人不备，窃取其放置于桌面上的手机一部，经鉴定价值人民币{value}元。",
        "{date}{time}，{role}{name}窜至{place}，采用撬锁方式进入他人室内，盗走现金人民币{value}元及金项链一条。",
        "{date}{time}，{role}{name}在{place}扒窃乘客钱包，窃得财物共计价值人民币{value}元，后被当场抓获。",
        "{date}{time}，{role}{name}在{place}剪断车锁，将他人停放的电动自行车一辆推走，经认定价值人民币{value}元。",
    ),
    "fraud": (
        "{date}{time}，{role}{name}以帮助办理贷款为由，虚构其有内部关系，骗取被害人{victim}人民币{value}元。",
        "{date}{time}，{role}{name}冒充部队采购人员，通过微信联系被害人{victim}，谎称订购物资，骗得人民币{value}元后挥霍。",
        "{date}{time}，{role}{name}在网络平台发布虚假商品信息，收取被害人{victim}货款人民币{value}元后拒不发货并将其拉黑。",
    ),
    "intentional_injury": (
        "{date}{time}，{role}{name}在{place}因琐事与被害人{victim}发生口角，继而持木棍殴打被害人，致其左臂骨折。经鉴定，被害人的损伤程度为轻伤二级。",
        "{date}{time}，{role}{name}与被害人{victim}因邻里纠纷发生争执，{role}{name}用拳头击打被害人面部，致其鼻骨骨折，经鉴定为轻伤一级。",
        "{date}{time}，{role}{name}在{place}与被害人{victim}发生推搡，随手拿起砖块砸向被害人头部，经法医鉴定，被害人所受损伤构成轻伤。",
    ),
    "picking_quarrels": (
        "{date}{time}，{role}{name}酒后在{place}无故滋事，随意殴打过往行人{victim}，致其多处软组织挫伤。",
        "{date}{time}，{role}{name}在{place}强拿硬要摊贩财物，并任意损毁店内物品，情节恶劣。",
        "{date}{time}，{role}{name}纠集他人在{place}追逐、拦截、辱骂、恐吓他人，造成公共场所秩序严重混乱。",
    ),
    "helping_cyber_crime": (
        "{date}{time}，{role}{name}明知他人利用信息网络实施犯罪，仍将其名下银行卡{cards}张出租给他人使用，获利人民币{value}元。经查，上述银行卡流入电信网络诈骗资金共计人民币{flow}元。",
        "{date}{time}，{role}{name}将本人实名注册的手机卡及微信账号出售给上家，为他人利用信息网络实施诈骗提供通讯传输帮助，获利人民币{value}元。",
        "{date}{time}，{role}{name}在明知他人从事网络违法犯罪的情况下，为其提供支付结算帮助，支付结算金额达人民币{flow}元。",
    ),
    "concealing_proceeds": (
        "{date}{time}，{role}{name}明知是他人犯罪所得的赃款，仍使用其银行卡帮助转账、取现共计人民币{flow}元，从中获利人民币{value}元。",
        "{date}{time}，{role}{name}明知是他人盗窃所得的手机，仍在{place}以明显低于市场的价格予以收购，后加价转卖。",
        "{date}{time}，{role}{name}明知系电信诈骗所得资金，仍在{place}多次持卡取现并将现金交给上家，取现金额共计人民币{flow}元。",
    ),
    "opening_casino": (
        "{date}{time}，{role}{name}在{place}租用房屋，提供麻将机、筹码等赌具，组织他人赌博并从中抽头渔利，共计获利人民币{value}元。",
        "{date}{time}，{role}{name}建立微信群，以“抢红包”方式组织群成员进行赌博，抽头渔利人民币{value}元。",
        "{date}{time}，{role}{name}取得网络赌博平台代理账号，招揽赌客参赌，赌资流水达人民币{flow}元。",
    ),
    "drug_possession": (
        "{date}{time}，公安民警在{place}将{role}{name}抓获，当场从其随身携带的挎包内查获甲基苯丙胺（冰毒）{grams}克。",
        "{date}{time}，公安民警依法对{role}{name}位于{place}附近的住处进行搜查，查获海洛因{grams}克，其无法说明合法来源。",
        "{date}{time}，{role}{name}在{place}被查获，从其驾驶的车辆中搜出甲基苯丙胺片剂（俗称麻古）{grams}克。",
    ),
}

TIMES = ("", "许", "22时许", "晚", "凌晨1时许", "下午", "14时30分许", "上午9时许")
PLACES = ("本市某区建设路", "某镇农贸市场", "某小区地下车库", "某商场门口", "某高速公路收费站", "某网吧内",
          "某酒店房间", "某村村口", "某公交车上", "某KTV包厢")  # fmt: skip
VEHICLES = ("小型轿车", "小型普通客车", "二轮摩托车", "小型越野客车", "重型半挂牵引车")
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
COURT_NAMES = ("东城", "西湖", "南山", "北塘", "江宁", "金水", "武侯", "天河", "鼓楼", "秀英", "城关", "新华")
MITIGATION = (
    "到案后如实供述自己的罪行，系坦白，依法可以从轻处罚",
    "自愿认罪认罚，依法可以从宽处理",
    "具有自首情节，依法可以从轻处罚",
    "已退赔被害人全部损失并取得谅解，可以酌情从轻处罚",
    "系初犯、偶犯，可酌情从轻处罚",
)
JUVENILE_NOTE = (
    "{role}{name}犯罪时未满十八周岁，依法应当从轻或者减轻处罚",
    "鉴于{role}{name}系未成年人，依法应当从轻处罚",
)
RELEVANT = ("第六十七条第三款", "第六十四条", "第五十二条", "第五十三条", "第六十一条")
