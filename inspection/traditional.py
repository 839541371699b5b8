"""Traditional characters in names, as a traditional input method or a converted file writes them (張莊村,
臨潁縣, 城關鎮黨支部), with their simplified forms: enough to match such a name to a roster written in
simplified characters. Only characters GB2312 lacks are listed (a simplified text never holds them), so a
simplified name is never changed; a character missing here leaves the name unmatched, as before.

The unit lookup tries the simplified name only after the name as written (importer/units.py): two real
units, one written each way in a roster, stay two."""

from __future__ import annotations

# pairs: a traditional character, then its simplified form
_PAIRS = (
    "區区縣县鎮镇鄉乡辦办處处黨党員员會会總总組组織织務务機机關关國国業业學学書书記记團团體体協协聯联衛卫醫医廠厂場场礦矿農农鐵铁電电郵邮貿贸銀银稅税檢检廳厅財财經经"
    "濟济發发開开園园莊庄張张劉刘趙赵陳陈楊杨黃黄吳吴週周孫孙馬马鄭郑馮冯韓韩蔣蒋許许呂吕蘇苏盧卢錢钱湯汤葉叶龔龚譚谭龍龙鳳凤萬万閻阎賈贾鄧邓蕭萧魯鲁顧顾華华羅罗龐庞"
    "聶聂範范嚴严陸陆鍾钟溫温賴赖喬乔廣广東东灣湾溝沟樓楼營营橋桥廟庙窪洼嶺岭峽峡壩坝灘滩澗涧陽阳陰阴興兴豐丰寧宁義义順顺雙双聖圣鶴鹤鵬鹏鴻鸿匯汇滙汇靈灵臺台臨临潁颍"
    "穎颖漢汉齊齐陝陕閩闽貴贵雲云遼辽蘭兰嶽岳濱滨瀋沈淵渊滬沪贛赣晉晋隴陇瓊琼門门舊旧長长頭头裏里湧涌澤泽濤涛潤润滿满當当麗丽樂乐歡欢慶庆壽寿榮荣輝辉燈灯煙烟爐炉車车"
    "魚鱼鳥鸟雞鸡鴨鸭鵝鹅豬猪樹树棗枣蘋苹圓圆圍围圖图壇坛牆墙墳坟碼码確确禮礼祿禄禪禅種种穀谷積积窯窑竇窦筆笔築筑糧粮紅红綠绿藍蓝綫线線线網网習习聞闻聲声職职舉举藥药"
    "蘆芦葦苇蓮莲蔭荫號号蟲虫補补製制複复親亲觀观計计設设訪访評评試试詩诗誠诚調调談谈論论諸诸謝谢議议護护讓让變变貝贝負负貢贡貨货質质購购賽赛趕赶軍军軒轩輕轻載载邊边"
    "遠远運运過过達达遷迁選选還还鄰邻酈郦釘钉針针鈴铃鉛铅銅铜鋼钢錦锦鍋锅鎖锁鐘钟鏈链閘闸閣阁闊阔陣阵隊队階阶際际隨随險险隱隐雜杂離离難难霧雾靜静預预領领題题顏颜願愿"
    "顯显風风飛飞飯饭館馆駐驻騎骑驗验鮮鲜鳴鸣鷹鹰麥麦龜龟廢废強强彎弯彙汇從从徑径復复憲宪應应懷怀戰战戶户掃扫揚扬換换擇择據据擁拥擴扩攤摊數数斷断時时曉晓暢畅條条來来"
    "極极構构槍枪樁桩橫横櫃柜歐欧歲岁歷历歸归殘残氣气沒没滅灭漁渔潔洁濕湿為为烏乌無无煉炼熱热爭争爾尔牽牵犧牺獅狮獨独獲获現现環环產产畝亩畢毕異异療疗盡尽監监盤盘眾众"
    "礎础穩稳窮穷競竞筍笋節节簡简類类紀纪約约紙纸級级結结給给統统綜综維维緣缘續续罰罚肅肃腦脑臉脸舖铺艱艰術术衝冲裝装見见規规視视覺觉訂订訓训證证譽誉讀读貧贫責责貸贷"
    "費费賀贺資资賣卖賦赋賬账贊赞趨趋跡迹蹤踪轉转輸输辭辞遞递遺遗釋释錄录錯错間间閱阅韋韦響响頂顶項项須须額额養养餘余驅驱鬥斗鹽盐齒齿與与劃划則则剛刚創创勞劳勢势勵励"
    "勝胜單单厲厉參参問问啟启壓压壞坏壟垄夢梦奪夺奮奋婦妇媽妈實实寫写審审寶宝對对導导層层屬属岡冈島岛崗岗巖岩帥帅師师帳帐帶带幫帮幾几庫库廬庐彌弥徹彻憶忆懇恳戲戏拋抛"
    "捨舍掛挂採采損损搖摇搶抢撫抚擊击擔担擠挤擬拟攜携敗败敵敌斬斩暫暂曆历楓枫標标樣样樸朴權权毀毁決决況况淺浅測测滯滞滾滚潛潜濃浓濫滥瀝沥灑洒燦灿燭烛爺爷獎奖獻献畫画"
    "盜盗碩硕礙碍禍祸稱称窩窝竊窃籃篮籌筹簽签糾纠紐纽純纯納纳紛纷細细紹绍終终絕绝絲丝綿绵緊紧緒绪練练縮缩績绩繩绳繪绘繼继罷罢聽听膽胆臘腊臟脏莖茎萊莱蒼苍蓋盖薦荐薩萨"
    "藝艺蘊蕴虛虚蝦虾蠶蚕衆众襲袭覽览訊讯該该認认誤误說说請请諾诺謀谋講讲謹谨譯译貪贪貫贯賓宾賜赐賠赔賢贤贈赠贏赢躍跃軟软較较輔辅輛辆輪轮輯辑轄辖辯辩迴回進进遊游違违"
    "適适醬酱釀酿銷销鋁铝鋪铺鍛锻鍵键鏡镜鑄铸鑑鉴閃闪閉闭閑闲閒闲閥阀闖闯隸隶雖虽頁页頌颂頓顿頻频顆颗飄飘飼饲飽饱餅饼饑饥駛驶駱骆騰腾驚惊鮑鲍鯉鲤鴉鸦鴿鸽鵲鹊麵面點点"
    "齡龄滄沧瀘泸瀾澜灤滦淪沦滌涤渦涡潰溃澇涝濰潍藺蔺鄒邹鄲郸鄴邺隕陨瀟潇灝灏熒荧瑩莹竈灶糴籴繡绣纖纤"
)
SIMPLIFIED = dict(zip(_PAIRS[::2], _PAIRS[1::2], strict=True))
_TABLE = str.maketrans(SIMPLIFIED)


def simplified(text: str) -> str:
    """`text` with the traditional characters listed here in their simplified forms."""
    return text.translate(_TABLE)
