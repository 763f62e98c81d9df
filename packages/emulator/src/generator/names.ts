// Word lists for generated people and departments: [Chinese, romanised/English].

export const surnames: readonly (readonly [string, string])[] = [
  ['王', 'Wang'], ['李', 'Li'], ['张', 'Zhang'], ['刘', 'Liu'], ['陈', 'Chen'], ['杨', 'Yang'], ['黄', 'Huang'], ['赵', 'Zhao'],
  ['吴', 'Wu'], ['周', 'Zhou'], ['徐', 'Xu'], ['孙', 'Sun'], ['马', 'Ma'], ['朱', 'Zhu'], ['胡', 'Hu'], ['郭', 'Guo'],
  ['何', 'He'], ['高', 'Gao'], ['林', 'Lin'], ['罗', 'Luo'], ['郑', 'Zheng'], ['梁', 'Liang'], ['谢', 'Xie'], ['宋', 'Song'],
  ['唐', 'Tang'], ['许', 'Xu'], ['韩', 'Han'], ['冯', 'Feng'], ['邓', 'Deng'], ['曹', 'Cao'], ['彭', 'Peng'], ['曾', 'Zeng'],
];

export const givenNames: readonly (readonly [string, string])[] = [
  ['伟', 'Wei'], ['芳', 'Fang'], ['娜', 'Na'], ['秀英', 'Xiuying'], ['敏', 'Min'], ['静', 'Jing'], ['丽', 'Li'], ['强', 'Qiang'],
  ['磊', 'Lei'], ['军', 'Jun'], ['洋', 'Yang'], ['勇', 'Yong'], ['艳', 'Yan'], ['杰', 'Jie'], ['娟', 'Juan'], ['涛', 'Tao'],
  ['明', 'Ming'], ['超', 'Chao'], ['秀兰', 'Xiulan'], ['霞', 'Xia'], ['平', 'Ping'], ['刚', 'Gang'], ['桂英', 'Guiying'], ['浩然', 'Haoran'],
  ['子涵', 'Zihan'], ['雨桐', 'Yutong'], ['思远', 'Siyuan'], ['欣怡', 'Xinyi'], ['宇航', 'Yuhang'], ['梓萱', 'Zixuan'], ['俊杰', 'Junjie'], ['嘉怡', 'Jiayi'],
  ['晨', 'Chen'], ['博文', 'Bowen'], ['一鸣', 'Yiming'], ['诗涵', 'Shihan'], ['家豪', 'Jiahao'], ['佳琪', 'Jiaqi'], ['天宇', 'Tianyu'], ['可馨', 'Kexin'],
];

export const departmentNames: readonly (readonly [string, string])[] = [
  ['研发部', 'Engineering'], ['产品部', 'Product'], ['设计部', 'Design'], ['销售部', 'Sales'], ['市场部', 'Marketing'], ['财务部', 'Finance'],
  ['人力资源部', 'Human Resources'], ['法务部', 'Legal'], ['客户成功部', 'Customer Success'], ['运营部', 'Operations'], ['数据部', 'Data'],
  ['基础架构组', 'Infrastructure'], ['前端组', 'Frontend'], ['后端组', 'Backend'], ['测试组', 'Quality'], ['安全组', 'Security'],
  ['华东区', 'East Region'], ['华南区', 'South Region'], ['华北区', 'North Region'], ['西南区', 'Southwest Region'], ['行政部', 'Administration'],
  ['采购部', 'Procurement'], ['供应链', 'Supply Chain'], ['品牌组', 'Brand'], ['增长组', 'Growth'], ['移动端组', 'Mobile'], ['平台组', 'Platform'],
];

export const jobTitles: readonly string[] = [
  'Software Engineer', 'Senior Software Engineer', 'Product Manager', 'Designer', 'Sales Manager', 'Account Executive', 'Accountant',
  'Recruiter', 'Data Analyst', 'QA Engineer', 'Operations Specialist', 'Team Lead', 'Director', 'Intern',
];

export const cities: readonly string[] = ['Beijing', 'Shanghai', 'Shenzhen', 'Hangzhou', 'Guangzhou', 'Chengdu', 'Wuhan', 'Singapore'];
