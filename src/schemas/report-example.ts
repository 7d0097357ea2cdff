// The example report of the OpenAPI document (PUT /v1/reports/{unit}/{year}, POST /v1/validate):
// the repository's fixture, test/fixtures/fengshi-2020.json, the published 2020 report of 峰市镇 (a
// test keeps the two equal).
/* eslint-disable max-len -- the published report's prose, a paragraph to a line as in the fixture */
export const REPORT_EXAMPLE = {
  unit: '350803109',
  year: 2020,
  template: 'gb2019',
  status: 'submitted',
  meta: {
    title: '龙岩市永定区峰市镇2020年政府信息公开工作年度报告',
    organ: '龙岩市永定区峰市镇人民政府',
    documentNumber: '峰政〔2021〕1号',
    publishedOn: '2021-01-11',
    sourceUrl: null,
    contact: {
      address: '龙岩市永定区峰市镇人民政府',
      postcode: '364118',
      phone: '0597—5731954',
      fax: '0597—5731958'
    }
  },
  narrative: {
    overview:
      '2020年峰市镇坚持以习近平新时代中国特色社会主义思想为指导,深入贯彻党的十九大和十九届二中、三中、四中、五中全会精神,严格落实《国务院办公厅印发〈关于全面推进政务公开工作的意见〉实施细则的通知》(国办发〔2016〕80号)和《国务院办公厅关于印发2020年政务公开工作要点的通知》(国办发〔2020〕17号)的要求。紧紧围绕区委、区政府重点工作以及社会关切度高的政府信息,加大公开力度,抓好工作落实,积极开展教育培训,制定完善峰市镇政务公开工作制度,编制政务公开事项标准目录,采取有效措施促进政府信息公开工作开放透明,充分发挥政府信息公开工作在服务经济社会发展、转变政府职能、保证行政权力公开透明运行和保障公民知情权、参与权、表达权、监督权等方面的积极作用,公开效果明显,群众满意度较高。\n(一)政务公开主要任务落实情况\n1.深入解读政策。一是通过专题会议、周例会等组织镇村干部,加强政策方针学习,多种方式开展政策解读;利用墟天等有利契机,结合公告栏、微信群等开展宪法、安全生产、食品安全、扫黑除恶、脱贫攻坚、疫情防控等工作现场咨询和宣传,提高群众对政策的知晓率。二是通过便民服务中心、电话回应、e龙岩12345便民服务平台、现场解答、镇村干部进村入户等方式对人民群众关切的生态环境、项目工程建设、安全生产、教育卫生、社会救助、新农合等工作问题进行积极回应,群众反映问题基本得到有效解答。三是对群众关切和社会热点,主动快速引导、释放权威信号、正面回应疑虑,推动解决实际问题,增强解读回应效果。\n2.促进政策落实。一是对涉及全镇经济社会发展、围绕人民群众切身利益的重点工作、重点工程及民生工程落实情况及时通过政府门户网站、微信群、政务公开栏等平台进行公开。二是及时向社会公开政府及部门权责清单,以及权责事项取消、下放、承接情况,结合便民服务中心省办平台,全面优化办事流程,对服务事项、办事流程、办事机构及所需材料等进行重新梳理和整理,加强“一件事”“一类事”等综合办事信息公开。三是主动向社会公开重大工程项目责任分工和落实情况。推进安全生产、生态环保、脱贫攻坚等监管信息,强化对突发事件、重大疫情等信息发布。\n3.规范公开平台。一是严格落实网络意识形态责任制,加强政府网站内容建设和信息发布审核。加快推进政府网站集约化,持续提升政府网上履职能力和服务水平。二是加强线上线下阵地建设。把政府网站作为政务公开第一平台,集中发布镇人民政府主动公开的信息,同时,依托镇便民服务中心,设立标识清楚、方便实用的政务公开专区,提供政府信息查询、办事咨询答复等服务,促进线上线下优势互补。\n4.完善公开机制。一是制定完善了峰市镇政务公开工作制度,严格按照上级要求,规范政府信息制作、获取、保存、处理相关流程;同时,做好最新的权责清单修订完善工作,将遗漏并且法律法规规章确有规定的,已下放、委托的区级事权,梳理并补充到乡镇(街道)权责清单中,确保“每项权责事项要进一步编制运行流程和办理条件”落到实处。二是强化组织领导,把政务公开的总体任务分解、细化、量化,明确落实到具体部门和单位,深化“主管部门督促协调,牵头部门分工负责,逐级确保落实”的工作格局,积极稳妥深化政务公开工作,确保信息公开工作落实到位。三是立足基层实际,学习借鉴其他基层政务公开标准化、规范化试点工作经验,进一步提高基层政务公开的针对性、实效性,全面提升基层政务公开工作水平。\n(二)基层政务公开标准化规范化工作进展情况\n一是根据《龙岩市永定区人民政府办公室关于全面推进基层政务公开标准化规范化相关工作措施及责任分解立项的通知》(永政办〔2020〕15号)文件要求,组建工作小组,严格执行《中华人民共和国政府信息公开条例》和有关法律法规,履行政府信息公开法定职责;二是根据26个试点领域标准指引,结合各有关部门的权责清单,制定了峰市镇政务公开标准目录(试点),确定了公开内容、公开依据、公开渠道和载体等,让公开工作更加规范。\n(三)主动公开情况\n2020年度主动公开政府信息13条,历年累计主动公开信息391条。类别涵盖规划计划类信息、重大建设项目类信息、为民办实事类信息、民政扶贫救灾社会保障就业类信息、安全生产、应急管理类信息等与人民群众生产、生活以及经济社会发展紧密相关的各类信息公开及时、准确,有效保障群众参与权、知情权。\n(四)依申请公开情况\n1.受理申请的数量。本镇2020年共受理政府信息公开申请0件。\n2.“不予公开”的政府信息情况。本镇2020年受理的政府信息公开申请中,“不予公开”的0件。\n3.“不予公开”的政府信息涉及的主要内容及不予公开原因。2020年,我镇因涉密不予公开政府信息0条。\n(五)政府信息管理情况\n政府信息公开管理,强化专人负责,明确工作职责,以服务群众为目的,在规定的政府信息公开范围内,及时发布和更新依法应主动公开的政府信息,实现政务信息公开化。\n(六)平台建设情况\n我镇充分利用“龙岩市永定区人民政府”网站平台公开政府信息,在土楼阳光村务网和镇村公开栏等,及时公开我镇工作职责、办事流程、财务工作情况等各项信息,保证政府信息公开及时、准确、有效。积极探索掌上“E公开”平台的推广使用,通过多种渠道进行宣传,以提高群众对政府信息公开的知晓率和参与度。\n(七)监督保障情况\n对政府信息公开信息领导严格审核把关,确保信息的规范准确,并由专人负责,切实保障政府信息公开工作的顺利开展。同时,结合便民服务中心,土楼阳光村务网等平台,对群众提出的意见和建议进行搜集整理,加强对各部门政府信息报送及时性、完整性、规范性等进行检查,及时发现并纠正问题。',
    problems:
      '(一)存在的主要问题\n一是业务人员对省、市、区政府信息公开工作规定的学习、掌握还不够好,业务素质有待进一步提高;二是信息公开面对社会宣传力度不够;三是公开的内容和形式还不够丰富,工作创新能力仍需进一步增强;四是公开的内容还不够全面,信息发布的及时性有待提高。\n(二)改进情况\n2021年,我镇将按照《条例》和省、市、区对政府信息公开的相关要求,继续大力推进政府信息公开工作,主要是做好以下几方面工作:一是完善政府信息公开内容。细化政府信息公开目录和内容,提高信息采集的及时性、准确性。二是提高工作人员业务能力。加强对现有从事政府信息公开工作人员的学习培训,提高其业务水平和素质,增强各窗口部门的服务意识,真正做到以公开促廉政,以公开树形象。三是推进标准化规范化建设。加强信息沟通,注重横向联系、纵向指导的沟通协调机制,进一步提升政府信息公开标准化规范化建设。',
    other: '无'
  },
  proactive: {
    regulations: {
      newlyMade: 0,
      newlyPublished: 0,
      totalPublished: 0
    },
    normativeDocuments: {
      newlyMade: 0,
      newlyPublished: 0,
      totalPublished: 2
    },
    licensing: {
      previousCount: 0,
      change: 8,
      decisions: 0
    },
    otherServices: {
      previousCount: 0,
      change: 189,
      decisions: 334
    },
    penalties: {
      previousCount: 0,
      change: 5,
      decisions: 0
    },
    coercion: {
      previousCount: 0,
      change: 5,
      decisions: 0
    },
    fees: {
      previousCount: 0,
      change: 0
    },
    procurement: {
      projects: 1,
      amount: 838110,
      amountUnit: null
    }
  },
  requests: {
    received: {
      naturalPerson: 0,
      commercial: 0,
      research: 0,
      nonprofit: 0,
      legalService: 0,
      otherOrg: 0,
      total: 0
    },
    carriedOver: {
      naturalPerson: 0,
      commercial: 0,
      research: 0,
      nonprofit: 0,
      legalService: 0,
      otherOrg: 0,
      total: 0
    },
    outcomes: {
      granted: {
        naturalPerson: 0,
        commercial: 0,
        research: 0,
        nonprofit: 0,
        legalService: 0,
        otherOrg: 0,
        total: 0
      },
      partiallyGranted: {
        naturalPerson: 0,
        commercial: 0,
        research: 0,
        nonprofit: 0,
        legalService: 0,
        otherOrg: 0,
        total: 0
      },
      withheld: {
        stateSecret: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        prohibitedByLaw: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        securityStability: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        thirdPartyRights: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        internalAffairs: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        processInformation: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        enforcementFiles: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        administrativeQuery: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        }
      },
      unavailable: {
        notHeld: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        needsCreation: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        unclearAfterCorrection: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        }
      },
      notProcessed: {
        complaint: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        repeated: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        publication: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        massRepeated: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        },
        confirmation: {
          naturalPerson: 0,
          commercial: 0,
          research: 0,
          nonprofit: 0,
          legalService: 0,
          otherOrg: 0,
          total: 0
        }
      },
      other: {
        naturalPerson: 0,
        commercial: 0,
        research: 0,
        nonprofit: 0,
        legalService: 0,
        otherOrg: 0,
        total: 0
      },
      total: {
        naturalPerson: 0,
        commercial: 0,
        research: 0,
        nonprofit: 0,
        legalService: 0,
        otherOrg: 0,
        total: 0
      }
    },
    carriedForward: {
      naturalPerson: 0,
      commercial: 0,
      research: 0,
      nonprofit: 0,
      legalService: 0,
      otherOrg: 0,
      total: 0
    }
  },
  appeals: {
    reconsideration: {
      upheld: 0,
      corrected: 0,
      other: 0,
      pending: 0,
      total: 0
    },
    litigationDirect: {
      upheld: 0,
      corrected: 0,
      other: 0,
      pending: 0,
      total: 0
    },
    litigationAfterReconsideration: {
      upheld: 0,
      corrected: 0,
      other: 0,
      pending: 0,
      total: 0
    }
  }
} as const
